/**
 * Retiring a mailbox (issue 10 §5, docs/protocol.md §6). The attacker: a device removed from a
 * conversation kept the roster, so it knows the mailbox and its send capability. Once the
 * mailbox's reader has moved and retired it, that capability posts nothing, over HTTP or WS,
 * even right after it matched (the relay remembers capabilities that matched). The reader's
 * side: what was posted before stays readable, and only the read capability can retire.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePostReply } from '@hardline/protocol';
import { createMailbox, newEnvelopeId, postFrame, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { TestSocket } from './support/wsClient.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

const post = (m: TestMailbox) => call(relay.url, 'POST', '/v1/post', postFrame(m, 'x', newEnvelopeId()).frame);

async function retire(m: TestMailbox, cap: Uint8Array = m.readCap) {
  const res = await fetch(`${relay.url}/v1/mailboxes/${m.id}/retire`, { method: 'POST', headers: { authorization: `Capability ${Buffer.from(cap).toString('hex')}` } });
  return { status: res.status, body: (await res.json()) as any };
}

describe('a retired mailbox', () => {
  it('refuses its old send capability, over HTTP and WS, even one the relay just remembered', async () => {
    const m = await createMailbox(relay.store);
    expect((await post(m)).status).toBe(200);
    expect(await retire(m)).toEqual({ status: 200, body: { retired: m.id } });
    const r = await post(m);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NO_MAILBOX');
    const ws = await TestSocket.open(relay.url, '/v1/post');
    ws.send(postFrame(m).frame);
    const reply = decodePostReply(await ws.binary());
    expect(reply.status === 'rejected' ? reply.code : 'ok').toBe('NO_MAILBOX');
    ws.close();
    // What came before the retirement is still there for the reader.
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(1);
  });

  it('is retired only with its read capability: the send capability or a guess leaves it working', async () => {
    const m = await createMailbox(relay.store);
    for (const wrong of [m.sendCap, randomBytes(32)]) {
      const r = await retire(m, wrong);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('BAD_CAPABILITY');
    }
    expect((await post(m)).status).toBe(200);
    const none = await call(relay.url, 'POST', `/v1/mailboxes/${m.id}/retire`, {});
    expect(none.status).toBe(401);
    expect((await retire({ ...m, id: randomBytes(16).toString('hex') as TestMailbox['id'] })).body.error.code).toBe('NO_MAILBOX');
    const bad = await fetch(`${relay.url}/v1/mailboxes/NOT-HEX/retire`, { method: 'POST', headers: { authorization: `Capability ${m.readCap.toString('hex')}` } });
    expect(bad.status).toBe(400);
  });

  it('retiring again is harmless, and the mailbox stays refused', async () => {
    const m = await createMailbox(relay.store);
    expect((await retire(m)).status).toBe(200);
    expect((await retire(m)).status).toBe(200);
    expect(await relay.store.getMailbox(m.id)).toBeDefined();
    expect((await post(m)).body.error.code).toBe('NO_MAILBOX');
  });
});
