/**
 * Anonymous posting uses a fresh connection per burst: posts far apart in time do not share a
 * connection (which would tie them to one sender), while one burst (a fan-out) does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { startRelay, type ObserverEvent } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol } from '../support/clients.ts';

const events: ObserverEvent[] = [];
let relay: Awaited<ReturnType<typeof startRelay>>;
let alice: HardlineClient;
let bob: HardlineClient;
let carol: HardlineClient;

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-posting'), observer: (e) => events.push(e) });
  alice = await enrol(relay.url, relay.adminToken!, 'alice');
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
  carol = await enrol(relay.url, relay.adminToken!, 'carol');
}, 60_000);

afterAll(async () => {
  for (const c of [alice, bob, carol]) c?.close();
  await relay?.close();
});

describe('anonymous posting connections', () => {
  it('opens a fresh connection for each burst', async () => {
    const conv = await alice.groupCreate('trio', ['bob', 'carol']);
    await new Promise((r) => setTimeout(r, 400));
    const mark = events.length;
    await alice.queueText(conv, 'one');
    await alice.flushOutbox();
    const first = events.slice(mark).filter((e) => e.kind === 'post');
    expect(first).toHaveLength(2);
    // The fan-out to Bob and Carol went over one connection...
    expect(new Set(first.map((e) => e.conn)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    const mark2 = events.length;
    await alice.queueText(conv, 'two');
    await alice.flushOutbox();
    const second = events.slice(mark2).filter((e) => e.kind === 'post');
    // ...and the next message, later, over another.
    expect(second).toHaveLength(2);
    expect(second[0]!.conn).not.toBe(first[0]!.conn);
    expect((await bob.sync()).map((m) => m.text)).toEqual(['one', 'two']);
  });
});
