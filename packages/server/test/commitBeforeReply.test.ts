/**
 * Nothing is reported accepted, or pushed to a reader, before it is durable. A disk that fails at
 * COMMIT (failingCommit.ts) is the attacker here: the sender must get an error, the reader must
 * never see the envelope, and the store must not hold it, on both posting paths.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodePostReply } from '@hardline/protocol';
import { SQLITE_FILE_NAME } from '../src/store/sqliteRelayStore.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { failCommitsOn } from './support/failingCommit.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';

let relay: TestRelay;
let bob: TestDevice;
let disk: ReturnType<typeof failCommitsOn> | undefined;
beforeAll(async () => {
  relay = await startTestRelay();
  bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
});
afterEach(() => disk?.restore());

describe('commit before reply', () => {
  it('HTTP: a post whose COMMIT fails is an error, never pushed, not stored', async () => {
    const m = await createMailbox(relay.store);
    const { socket } = await openInbox(relay.url, bob.token, [m]);
    await socket.json('drained');
    disk = failCommitsOn(join(relay.dataDir, SQLITE_FILE_NAME));
    const lost = postFrame(m, 'lost');
    const r = await call(relay.url, 'POST', '/v1/post', lost.frame);
    expect(disk.failures).toBeGreaterThan(0);
    disk.restore();
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    // The next envelope the reader gets is the one posted after the disk recovered.
    const kept = postFrame(m, 'kept');
    expect((await call(relay.url, 'POST', '/v1/post', kept.frame)).status).toBe(200);
    expect(await socket.binary()).toEqual(Buffer.from(kept.envelopeBytes));
    expect((await relay.store.listEnvelopes(m.id, 0, 10)).map((e) => Buffer.from(e.bytes))).toEqual([Buffer.from(kept.envelopeBytes)]);
    socket.close();
  });

  it('WS: the reply to a post whose COMMIT fails is a rejection, and a resend then succeeds', async () => {
    const m = await createMailbox(relay.store);
    const ws = await TestSocket.open(relay.url, '/v1/post');
    disk = failCommitsOn(join(relay.dataDir, SQLITE_FILE_NAME));
    const p = postFrame(m, 'retry me');
    ws.send(p.frame);
    const first = decodePostReply(await ws.binary());
    disk.restore();
    expect(first).toMatchObject({ status: 'rejected', envelopeId: p.envelopeId, code: 'INTERNAL' });
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(0);
    ws.send(p.frame);
    expect(decodePostReply(await ws.binary())).toMatchObject({ status: 'accepted', envelopeId: p.envelopeId });
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(1);
    ws.close();
  });
});
