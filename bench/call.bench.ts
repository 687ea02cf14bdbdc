/**
 * Calls in Debian's Chromium through a relay-only coturn on loopback (`npm run bench -- call`,
 * or `node --import tsx bench/call.bench.ts`): call setup time from tapping "Call" to audio at
 * the callee (the callee's app accepts at once), SFrame per frame in the worker of a
 * cross-origin-isolated page, and CPU and memory of the whole Chromium tree during a call
 * (CALL_SECONDS, default 60).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { tempDir } from '../test/support/cliHarness.ts';
import { audioArrival, enrolPair, launchCallChromium, newCallPhone, openContact, startCallRelay, toneWav } from '../test/support/calls.ts';
import { ensureWebBuild } from '../test/support/webBuild.ts';

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

type Manager = {
  hangup(): void;
  marks: Record<string, number>;
  mediaSession?: {
    workerStats(reset?: boolean): Promise<{ encryptUs: number[]; decryptUs: number[]; isolated: boolean } | undefined>;
    workerBench(n: number, size: number): Promise<{ encryptUs: number[]; decryptUs: number[]; batchEncryptUs: number; batchDecryptUs: number; isolated: boolean } | undefined>;
  };
};

async function inCall(page: Page, phase = 'connected'): Promise<void> {
  await page.waitForSelector(`[data-call-screen][data-call-phase=${phase}]`, { timeout: 20_000 });
}

export async function hangUp(alice: Page, bob: Page): Promise<void> {
  await alice.click('button[aria-label="Hang up"]');
  await Promise.all([alice.waitForSelector('[data-call-screen]', { state: 'detached' }), bob.waitForSelector('[data-call-screen]', { state: 'detached' })]);
}

/** The browser's process tree: Chromium processes whose ancestor is this Node process. */
function chromiumTree(): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const mine = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, pp] of parent) if (!mine.has(pid) && mine.has(pp)) (mine.add(pid), (grew = true));
  }
  return [...mine].filter((p) => p !== process.pid && readFileSync(`/proc/${p}/comm`, 'utf8').includes('chrom'));
}

function cpuTicks(pids: number[]): number {
  let t = 0;
  for (const p of pids) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').slice(readFileSync(`/proc/${p}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch {
      // exited
    }
  }
  return t;
}

function pssMiB(pids: number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}

async function cpuAndMemory(seconds: number): Promise<{ cpuPctOfCore: number; pssMiB: number; processes: number }> {
  const TICK = 100; // USER_HZ on Linux
  const pids = chromiumTree();
  const t0 = cpuTicks(pids);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const pidsEnd = chromiumTree();
  const ticks = cpuTicks(pidsEnd) - t0;
  return { cpuPctOfCore: r1((100 * ticks) / TICK / ((Date.now() - w0) / 1000)), pssMiB: Math.round(pssMiB(pidsEnd)), processes: pidsEnd.length };
}

/** One call, tap → tone at the callee, with the steps each side marked. */
export async function timedCall(alice: Page, bob: Page): Promise<Record<string, number>> {
  const arrival = audioArrival(bob, 0.05, 15_000);
  await bob.waitForTimeout(50);
  const tap = Date.now();
  await alice.click('[data-call=bob]');
  const heardAt = await arrival;
  await inCall(alice);
  const [ma, mb] = await Promise.all([alice, bob].map((p) => p.evaluate(() => (globalThis as unknown as { __hardlineCalls: Manager }).__hardlineCalls.marks)));
  return { 'tap→ring at callee': mb!['got-ring']! - tap, 'ring→offer at callee': mb!['got-offer']! - mb!['got-ring']!, 'offer→connected': mb!['media-connected']! - mb!['got-offer']!, 'TURN credentials + call keys at callee': mb!['turn-keys']! - mb!['open-media']!, 'tap→audio at callee': heardAt - tap, 'tap→connected (caller)': ma!['media-connected']! - tap };
}

function printSetup(rows: Record<string, number>[]): void {
  console.table(rows);
  const col = (k: string) => rows.map((r) => r[k]!);
  console.table(Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, { median: pct(col(k), 50), max: Math.max(...col(k)) }])));
}

export async function runCallBench(): Promise<void> {
  ensureWebBuild();
  const callSeconds = Number(process.env.CALL_SECONDS ?? 60);
  const wav = toneWav(join(tempDir('bench-tone'), 'tone-440.wav'));
  const [relay, browser] = await Promise.all([startCallRelay(3698), launchCallChromium(wav)]);
  try {
    const alice = (await newCallPhone(browser)).page;
    const bob = (await newCallPhone(browser, { autoAccept: true })).page;
    await enrolPair(relay, alice, bob);
    await openContact(alice, 'Bob Brown');

    // 1. Setup time, tap → tone at the callee.
    const rows: Record<string, number>[] = [];
    for (let i = 0; i < 6; i++) {
      rows.push(await timedCall(alice, bob));
      await hangUp(alice, bob);
    }
    const first = rows.shift()!;
    console.log(`\nCall setup through TURN on loopback, ms, TURN credentials bought at call time (the app's first minutes; first call, which also creates the conversation: tap→audio ${first['tap→audio at callee']} ms; then ${rows.length} calls)`);
    printSetup(rows);
    // The same with a set of TURN credentials kept ready (turnCredentialCache.ts), as an app open
    // for more than a few minutes has: the background purchase made at once instead of after
    // 1-20 minutes, so that each call finds one.
    for (const p of [alice, bob]) {
      // A string: a function here would be compiled with tsx's `__name` helper, absent in the page.
      await p.evaluate('{ const turn = globalThis.__hardlineCalls.host.client.relay().turn; turn.stop(); turn.start({ buyDelayMs: () => 0 }); }');
    }
    const ready: Record<string, number>[] = [];
    for (let i = 0; i < 5; i++) {
      await alice.waitForTimeout(2_000); // the set bought after the last call has arrived
      ready.push(await timedCall(alice, bob));
      await hangUp(alice, bob);
    }
    console.log('\nCall setup as above, with a set of TURN credentials ready on both sides, ms');
    printSetup(ready);

    // 2. SFrame in the worker, in a cross-origin-isolated page, during a call.
    await alice.click('[data-call=bob]');
    await Promise.all([inCall(alice), inCall(bob)]);
    const isolated = await alice.evaluate(() => crossOriginIsolated);
    await alice.evaluate(() => (globalThis as unknown as { __hardlineCalls: Manager }).__hardlineCalls.mediaSession!.workerStats(true));
    await alice.waitForTimeout(10_000);
    const live = await alice.evaluate(() => (globalThis as unknown as { __hardlineCalls: Manager }).__hardlineCalls.mediaSession!.workerStats(true));
    const lab = await alice.evaluate(() => (globalThis as unknown as { __hardlineCalls: Manager }).__hardlineCalls.mediaSession!.workerBench(3000, 120));
    console.log(`\nSFrame AES_128_GCM_SHA256_128 per Opus frame in the RTCRtpScriptTransform worker, µs (page crossOriginIsolated=${isolated}, worker ${live?.isolated})`);
    console.table({
      'in call: encrypt (await, includes the WebCrypto thread hop)': { frames: live!.encryptUs.length, median: r1(pct(live!.encryptUs, 50)), p99: r1(pct(live!.encryptUs, 99)) },
      'in call: decrypt (same)': { frames: live!.decryptUs.length, median: r1(pct(live!.decryptUs, 50)), p99: r1(pct(live!.decryptUs, 99)) },
      'worker, back to back: encrypt': { frames: lab!.encryptUs.length, median: r1(pct(lab!.encryptUs, 50)), p99: r1(pct(lab!.encryptUs, 99)) },
      'worker, back to back: decrypt': { frames: lab!.decryptUs.length, median: r1(pct(lab!.decryptUs, 50)), p99: r1(pct(lab!.decryptUs, 99)) },
      'worker, 3000 in flight: encrypt (crypto work per frame)': { frames: 3000, median: r1(lab!.batchEncryptUs), p99: NaN },
      'worker, 3000 in flight: decrypt (crypto work per frame)': { frames: 3000, median: r1(lab!.batchDecryptUs), p99: NaN },
    });
    await hangUp(alice, bob);

    // 3. CPU and memory of the whole Chromium tree: idle, then during a two-way call.
    const idle = await cpuAndMemory(10);
    await alice.click('[data-call=bob]');
    await Promise.all([inCall(alice), inCall(bob)]);
    const during = await cpuAndMemory(callSeconds);
    await hangUp(alice, bob);
    console.log(`\nChromium (browser + 2 renderers + GPU/utility/network), ${callSeconds} s two-way call, SFrame on, through TURN`);
    console.table({ 'idle, both signed in (10 s)': idle, [`in call (${callSeconds} s)`]: during });
  } finally {
    await browser.close();
    await relay.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runCallBench();
