/**
 * Offline delivery and crash safety with the relay as a separate process on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { jsonLines, ok, startRelayProcess, type RelayProcess } from '../support/cliHarness.ts';
import { enrol } from '../support/clients.ts';

let relay: RelayProcess;
let alice: HardlineClient;
let bob: HardlineClient;

beforeAll(async () => {
  relay = await startRelayProcess();
  alice = await enrol(relay.url, relay.adminToken, 'alice');
  bob = await enrol(relay.url, relay.adminToken, 'bob');
  await alice.send('bob', 'hello');
  expect((await bob.sync()).map((m) => m.text)).toEqual(['hello']);
  await bob.takeUnshown();
}, 60_000);

afterAll(async () => {
  alice?.close();
  bob?.close();
  await relay?.stop();
});

function bobConversation(c: HardlineClient) {
  const conv = c.conversations().find((x) => x.roster.kind === 'direct' && !x.left);
  if (!conv) throw new Error('no conversation');
  return conv;
}

describe('delivery', () => {
  it('delivers 1,000 messages sent while the reader was offline, all of them, once each, in order', async () => {
    const conv = bobConversation(alice);
    for (let i = 0; i < 1000; i++) await alice.queueText(conv, `offline ${i}`);
    expect(await alice.flushOutbox()).toBe(1000);
    // Bob reads through the real CLI.
    bob.close();
    const home = (bob as unknown as { opts: { store: { home: string } } }).opts.store.home;
    const got = jsonLines(await ok(['--home', home, 'read', '--json']));
    expect(got.map((m) => m.text)).toEqual(Array.from({ length: 1000 }, (_, i) => `offline ${i}`));
    expect(got.every((m) => m.from === 'alice' && m.conversation === 'alice')).toBe(true);
    expect(jsonLines(await ok(['--home', home, 'read', '--json']))).toEqual([]);
  }, 240_000);

  it('loses nothing the relay accepted when it is SIGKILLed in a burst of 10,000, and shows nothing twice', async () => {
    const conv = bobConversation(alice);
    const N = 10_000;
    for (let i = 0; i < N; i++) await alice.queueText(conv, `burst ${i}`);
    expect(alice.pendingOutbox()).toBe(N);
    // Kill the relay once a good part of the burst is in.
    const flushing = alice.flushOutbox().then(
      () => 'done',
      (e: Error) => e.message,
    );
    const killer = (async () => {
      while (alice.pendingOutbox() > 0 && relay.child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 20));
        if (relay.child.exitCode === null) {
          await relay.stop('SIGKILL');
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    await killer;
    const result = await flushing;
    const leftAfterKill = alice.pendingOutbox();
    expect(result).not.toBe('done');
    expect(leftAfterKill).toBeGreaterThan(0);
    const acceptedBeforeKill = N - leftAfterKill;

    const port = Number(new URL(relay.url).port);
    relay = await startRelayProcess(relay.dataDir, port);
    await alice.flushOutbox();
    expect(alice.pendingOutbox()).toBe(0);

    const fresh = await import('@hardline/client/node').then((m) => m.openNodeClient((bob as unknown as { opts: { store: { home: string } } }).opts.store.home));
    await fresh.sync();
    const texts = (await fresh.takeUnshown()).map((m) => m.text);
    fresh.close();
    expect(texts).toHaveLength(N);
    expect(new Set(texts).size).toBe(N);
    expect(texts).toEqual(Array.from({ length: N }, (_, i) => `burst ${i}`));
    expect(acceptedBeforeKill).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
