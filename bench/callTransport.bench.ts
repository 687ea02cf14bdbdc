/**
 * What TURN over TLS costs a call (issue 12; `npm run bench -- call-transport`): call setup, tap
 * to tone at the callee, through a relay-only coturn on loopback over plain UDP and then over
 * TLS only (`startCoturn({ tls })`, what `hardline server --tls-cert` starts), in one run, each
 * with TURN credentials ready on both sides (an app open for a few minutes). Over TLS devices
 * reach coturn through the TcpTap the call test uses, as a link's observer would sit.
 */
import { join } from 'node:path';
import { tempDir } from '../test/support/cliHarness.ts';
import { enrolPair, launchCallChromium, newCallPhone, openContact, startCallRelay, toneWav } from '../test/support/calls.ts';
import { ensureWebBuild } from '../test/support/webBuild.ts';
import { hangUp, pct, timedCall } from './call.bench.ts';

const CALLS = Number(process.env.CALL_TRANSPORT_CALLS ?? 8);

async function setupTimes(transport: 'udp' | 'tls', wav: string): Promise<number[]> {
  const tls = transport === 'tls';
  const [relay, browser] = await Promise.all([startCallRelay(tls ? 3702 : 3700, {}, { turnTls: tls }), launchCallChromium(wav, { selfSignedTurn: tls })]);
  try {
    const alice = (await newCallPhone(browser)).page;
    const bob = (await newCallPhone(browser, { autoAccept: true })).page;
    await enrolPair(relay, alice, bob);
    await openContact(alice, 'Bob Brown');
    // The first call also creates the conversation: not counted.
    await timedCall(alice, bob);
    await hangUp(alice, bob);
    for (const p of [alice, bob]) {
      await p.evaluate('{ const turn = globalThis.__hardlineCalls.host.client.relay().turn; turn.stop(); turn.start({ buyDelayMs: () => 0 }); }');
    }
    const out: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      await alice.waitForTimeout(2_000);
      out.push((await timedCall(alice, bob))['tap→audio at callee']!);
      await hangUp(alice, bob);
    }
    return out;
  } finally {
    await browser.close();
    await relay.close();
  }
}

export async function runCallTransportBench(): Promise<void> {
  ensureWebBuild();
  const wav = toneWav(join(tempDir('bench-tone'), 'tone-440.wav'));
  const udp = await setupTimes('udp', wav);
  const tls = await setupTimes('tls', wav);
  console.log(`\nCall setup, tap → tone at the callee, ms (${CALLS} calls each, TURN credentials ready, coturn on loopback)`);
  const row = (xs: number[]) => ({ calls: xs.length, p50: pct(xs, 50), p90: pct(xs, 90), max: Math.max(...xs) });
  console.table({ 'TURN over UDP': row(udp), 'TURN over TLS only': row(tls) });
  console.log(`TLS / UDP, p50: ${(pct(tls, 50) / pct(udp, 50)).toFixed(2)}×`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runCallTransportBench();
