/**
 * The relay remembers send capabilities that already matched (acceptPost.ts). From a sender's
 * side that memory must never widen what a capability opens: one that matched for mailbox A
 * does not open mailbox B, a wrong one for A is refused after a right one was remembered, and
 * what one relay remembered does not count at another relay in the same process.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePostReply } from '@hardline/protocol';
import { createMailbox, newEnvelopeId, postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { TestSocket } from './support/wsClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

const post = (r: TestRelay, m: TestMailbox, sendCap?: Uint8Array) => call(r.url, 'POST', '/v1/post', postFrame(m, 'x', newEnvelopeId(), sendCap).frame);

describe('remembered send capabilities', () => {
  it('a capability remembered for one mailbox does not open another', async () => {
    const a = await createMailbox(relay.store);
    const b = await createMailbox(relay.store);
    expect((await post(relay, a)).status).toBe(200);
    const r = await post(relay, b, a.sendCap);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('BAD_CAPABILITY');
    expect(await relay.store.listEnvelopes(b.id, 0, 10)).toHaveLength(0);
  });

  it('a wrong capability is refused after the right one was remembered, over HTTP and WS alike', async () => {
    const m = await createMailbox(relay.store);
    expect((await post(relay, m)).status).toBe(200);
    expect((await post(relay, m)).status).toBe(200);
    for (const wrong of [randomBytes(32), Buffer.from(m.sendCap.map((x, i) => (i === 31 ? x ^ 1 : x)))]) {
      expect((await post(relay, m, wrong)).body.error.code).toBe('BAD_CAPABILITY');
    }
    const ws = await TestSocket.open(relay.url, '/v1/post');
    ws.send(postFrame(m).frame);
    ws.send(postFrame(m, 'x', newEnvelopeId(), randomBytes(32)).frame);
    const replies = [decodePostReply(await ws.binary()), decodePostReply(await ws.binary())];
    expect(replies.map((r) => (r.status === 'rejected' ? r.code : 'ok'))).toEqual(['ok', 'BAD_CAPABILITY']);
    ws.close();
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(3);
  });

  it('what one relay remembered does not count at another', async () => {
    const other = await startTestRelay();
    const m = await createMailbox(relay.store);
    // The same mailbox id at the second relay, under a capability the sender does not hold.
    const foreignCap = randomBytes(32);
    await other.store.createMailbox({ id: m.id, readCapHash: sha256(randomBytes(32)), sendCapHash: sha256(foreignCap) });
    expect((await post(relay, m)).status).toBe(200);
    const r = await post(other, m);
    expect(r.body.error.code).toBe('BAD_CAPABILITY');
    expect(await other.store.listEnvelopes(m.id, 0, 10)).toHaveLength(0);
    expect((await post(other, m, foreignCap)).status).toBe(200);
  });
});
