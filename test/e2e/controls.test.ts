/**
 * Receipts, timers and call signalling travel as MLS application messages of their own kinds:
 * the app receives them through takeControls/onControl, they are never shown as text, and
 * malformed ones are rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient, ReceivedControl } from '@hardline/client';
import { decodeAppMessage, encodeAppMessage, sframe } from '@hardline/protocol';
import { startRelay } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol } from '../support/clients.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let alice: HardlineClient;
let bob: HardlineClient;

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-ctl') });
  alice = await enrol(relay.url, relay.adminToken!, 'alice');
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
}, 60_000);

afterAll(async () => {
  alice?.close();
  bob?.close();
  await relay?.close();
});

describe('conversation controls', () => {
  it('delivers receipts and call signals to the app, never as text', async () => {
    const conv = await alice.directConversation('bob');
    await alice.send('bob', 'hi');
    await bob.sync();
    const now = new Date().toISOString();
    await alice.sendControl(conv.id, { t: 'call', id: 'c1', callId: 'call-1', op: 'ring', sentAt: now });
    await alice.sendControl(conv.id, { t: 'receipt', id: 'r1', ids: ['m1', 'm2'], sentAt: now });
    const seen: ReceivedControl[] = [];
    const texts = await bob.sync({ onControl: (c) => seen.push(c) });
    expect(texts).toEqual([]);
    expect(seen.map((c) => c.message.t)).toEqual(['call', 'receipt']);
    expect(seen[0]!.from).toBe('alice');
    expect(seen[0]!.fromDevice).toBe(alice.deviceId);
    const taken = await bob.takeControls();
    expect(taken.map((c) => c.message.id)).toEqual(['c1', 'r1']);
    expect(await bob.takeControls()).toEqual([]);
    expect((await bob.takeUnshown()).map((m) => m.text)).toEqual(['hi']);
  });

  it('both ends derive the same SFrame keys for the conversation', async () => {
    const a = await alice.callKeys((await alice.directConversation('bob')).id);
    const b = await bob.callKeys((await bob.directConversation('alice')).id);
    expect(a.epoch).toBe(b.epoch);
    expect(a.epochSecret).toEqual(b.epochSecret);
    expect(sframe.mlsSenderBaseKey(a.epochSecret, a.ownLeafIndex)).toEqual(sframe.mlsSenderBaseKey(b.epochSecret, a.ownLeafIndex));
    expect(a.ownLeafIndex).not.toBe(b.ownLeafIndex);
  });

  it('rejects malformed control messages', () => {
    const bad = [
      { t: 'call', id: 'x', callId: 'c', op: 'explode', sentAt: new Date().toISOString() },
      { t: 'receipt', id: 'x', ids: 'not-a-list', sentAt: new Date().toISOString() },
      { t: 'timer', id: 'x', seconds: -1, sentAt: new Date().toISOString() },
      { t: 'call', id: 'x', callId: 'c', op: 'offer', sdp: 'x'.repeat(30_000), sentAt: new Date().toISOString() },
      { t: 'receipt', id: 'x', ids: [], sentAt: 'yesterday' },
    ];
    for (const m of bad) expect(() => decodeAppMessage(new TextEncoder().encode(JSON.stringify(m)))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    const good = { t: 'timer', id: 't', seconds: 3600, sentAt: new Date().toISOString() } as const;
    expect(decodeAppMessage(encodeAppMessage(good))).toEqual(good);
  });
});
