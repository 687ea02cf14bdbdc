/**
 * @module postHostile.test
 * The anonymous posting path (post/acceptPost.ts) against someone who replays a post frame
 * they captured (a network observer, or the sender's own retry after a lost reply): the relay
 * answers it as accepted with the same envelope id, stores it once, and pushes nothing more to
 * the reader who already has it: the next frame the reader gets is the next real envelope.
 */
import { expect, it } from 'vitest';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';
import { openInbox } from './support/wsClient.ts';

it('a replayed post is answered as accepted, stored once, and not pushed to the reader again', async () => {
  const relay = await startTestRelay();
  const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
  const m = await createMailbox(relay.store);
  const { socket } = await openInbox(relay.url, bob.token, [m]);
  await socket.json('drained');

  const first = postFrame(m, 'first');
  const reply = await call(relay.url, 'POST', '/v1/post', first.frame);
  expect(reply).toMatchObject({ status: 200, body: { accepted: first.envelopeId } });
  expect(await socket.binary()).toEqual(Buffer.from(first.envelopeBytes));

  for (let i = 0; i < 3; i++) expect(await call(relay.url, 'POST', '/v1/post', first.frame)).toMatchObject({ status: 200, body: { accepted: first.envelopeId } });
  const next = postFrame(m, 'next');
  expect((await call(relay.url, 'POST', '/v1/post', next.frame)).status).toBe(200);
  expect(await socket.binary()).toEqual(Buffer.from(next.envelopeBytes));
  expect((await relay.store.listEnvelopes(m.id, 0, 10)).map((e) => e.envelopeId)).toEqual([first.envelopeId, next.envelopeId]);
  socket.close();
});
