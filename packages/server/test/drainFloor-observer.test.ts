/**
 * @module drainFloor-observer.test
 * The drain's floor (DRAIN_FLOOR, src/ws/inboxConnection.ts) from the side of an observer of
 * the relay's link. A closed app's service worker reads its inbox at Web Push wake-ups that
 * follow no message; if a read that finds messages differed on the wire from an empty one, the
 * observer would keep only the former and rebuild who talks to whom. So, through a real relay:
 * an empty read and reads that find 1 or 3 envelopes carry the same number of binary frames
 * before "drained", all well-formed envelopes of one bucket size; a read that finds 6 carries
 * exactly those 6; and the real client acks the cover and ignores it (no message surfaces,
 * the real one does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, type Envelope } from '@hardline/protocol';
import type { ObserverEvent } from '../src/observer/observerEvent.ts';
import { DRAIN_FLOOR } from '../src/ws/inboxConnection.ts';
import { enrol } from '../../../test/support/clients.ts';
import { startTestRelay as startNamedRelay } from '../../../test/support/testRelay.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox } from './support/wsClient.ts';

let relay: TestRelay;
let bob: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
});

/** A read as the link sees it: every binary frame before "drained", decoded (which checks the version and the bucket size). */
async function read(backlog: number) {
  const m = await createMailbox(relay.store);
  const posted = Array.from({ length: backlog }, (_, i) => postFrame(m, `n${i}`));
  for (const p of posted) expect((await call(relay.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
  const { socket } = await openInbox(relay.url, bob.token, [m]);
  await socket.json('drained');
  const frames = socket.frames.splice(0).filter((f) => f.binary).map((f) => f.data);
  const envelopes: Envelope[] = frames.map((f) => decodeEnvelope(new Uint8Array(f)));
  return { m, socket, posted, frames, envelopes };
}

describe('what the link sees of a read', () => {
  it('an empty read, and reads finding 1 and 3 envelopes, are DRAIN_FLOOR envelopes of one size each', async () => {
    expect(DRAIN_FLOOR).toBe(4);
    const reads = [await read(0), await read(1), await read(3)];
    for (const r of reads) {
      expect(r.frames).toHaveLength(DRAIN_FLOOR);
      // The real ones, in order, where the client looks for them; the rest name no mailbox it reads.
      const real = r.envelopes.filter((e) => e.mailboxId === r.m.id);
      expect(real.map((e) => e.envelopeId)).toEqual(r.posted.map((p) => p.envelopeId));
      expect(r.envelopes.filter((e) => e.mailboxId !== r.m.id)).toHaveLength(DRAIN_FLOOR - r.posted.length);
      r.socket.close();
    }
    // Cover takes the size real pushes have: every frame of every read is the same length.
    expect(new Set(reads.flatMap((r) => r.frames.map((f) => f.length))).size).toBe(1);
  });

  it('a read finding more than the floor carries exactly what it found', async () => {
    const r = await read(6);
    expect(r.envelopes.map((e) => e.envelopeId)).toEqual(r.posted.map((p) => p.envelopeId));
    r.socket.close();
  });

  it('acks for cover are ignored: the real envelope is still deleted by its own ack, and the next drain is padded again', async () => {
    const r = await read(1);
    r.socket.sendJson({ type: 'ack', items: r.envelopes.map((e) => [e.mailboxId, e.envelopeId]) });
    await waitFor(async () => (await relay.store.listEnvelopes(r.m.id, 0, 10)).length === 0);
    // A second read on the same socket (a re-subscribe) is a drain like any other.
    r.socket.sendJson({ type: 'subscribe', mailboxes: [{ id: r.m.id, readCap: r.m.readCap.toString('base64url') }] });
    expect(await r.socket.drain()).toEqual({ envelopes: [], covers: DRAIN_FLOOR });
    r.socket.close();
  });
});

describe('the real client', () => {
  let named: TestRelay;
  const trace: ObserverEvent[] = [];
  afterAll(async () => named?.close());

  /** Pushes per inbox connection (one read each) since `from` in the trace. */
  const pushesByRead = (from: number) => {
    const reads = new Map<number, ObserverEvent[]>();
    for (const e of trace.slice(from)) if (e.kind === 'push') reads.set(e.conn, [...(reads.get(e.conn) ?? []), e]);
    return [...reads.values()];
  };

  it('acks the cover and ignores it: an empty sync shows nothing, the one message surfaces once', async () => {
    named = await startNamedRelay('drain-floor', { observer: (e) => trace.push(e) });
    const alice = await enrol(named.url, named.adminToken, 'alice');
    const bobClient = await enrol(named.url, named.adminToken, 'bob');
    try {
      let from = trace.length;
      expect(await bobClient.sync()).toEqual([]);
      expect(await bobClient.takeUnshown()).toEqual([]);
      let reads = pushesByRead(from);
      expect(reads.length).toBeGreaterThan(0);
      for (const pushes of reads) expect(pushes).toHaveLength(DRAIN_FLOOR);
      expect(reads.flat().every((p) => p.mailboxId === undefined)).toBe(true);

      await alice.send('bob', 'hello');
      from = trace.length;
      expect((await bobClient.sync()).map((m) => m.text)).toEqual(['hello']);
      expect((await bobClient.takeUnshown()).map((m) => m.text)).toEqual(['hello']);
      reads = pushesByRead(from);
      // Each read (a join may add a second) still at the floor, the Welcome and the message among them.
      for (const pushes of reads) expect(pushes.length).toBeGreaterThanOrEqual(DRAIN_FLOOR);
      expect(reads.flat().some((p) => p.mailboxId === undefined)).toBe(true);
      expect(reads.flat().some((p) => p.mailboxId !== undefined)).toBe(true);

      // And nothing more: the cover acked and dropped, the message acked.
      from = trace.length;
      expect(await bobClient.sync()).toEqual([]);
      expect(await bobClient.takeUnshown()).toEqual([]);
      for (const pushes of pushesByRead(from)) expect(pushes.filter((p) => p.mailboxId !== undefined)).toEqual([]);
    } finally {
      alice.close();
      bobClient.close();
    }
  });
});
