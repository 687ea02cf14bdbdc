/**
 * @module observer.test
 * The optional live-operator trace: off by default, and when on it records what a live relay
 * sees, with an opaque per-connection id instead of an address.
 */
import { expect, it } from 'vitest';
import type { ObserverEvent } from '../src/observer/observerEvent.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';
import { openInbox } from './support/wsClient.ts';

it('traces connect, auth, subscribe, post, push and ack', async () => {
  const events: ObserverEvent[] = [];
  const relay = await startTestRelay({ observer: (e) => events.push(e) });
  const dev = await enrolDevice(relay.url, relay.adminToken, 'olga');
  const m = await createMailbox(relay.store);
  const { socket } = await openInbox(relay.url, dev.token, [m]);
  await socket.json('drained');
  const p = postFrame(m);
  await call(relay.url, 'POST', '/v1/post', p.frame);
  await socket.binary();
  socket.sendJson({ type: 'ack', items: [[m.id, p.envelopeId]] });
  await new Promise((r) => setTimeout(r, 100));
  socket.close();
  await new Promise((r) => setTimeout(r, 50));
  const kinds = new Set(events.map((e) => e.kind));
  for (const k of ['connect', 'auth', 'subscribe', 'post', 'push', 'ack', 'disconnect']) expect(kinds, k).toContain(k);
  const inboxAuth = events.find((e) => e.kind === 'auth' && e.conn === events.find((x) => x.kind === 'subscribe')!.conn)!;
  expect(inboxAuth.device).toBe(dev.deviceId);
  expect(events.find((e) => e.kind === 'post')).toMatchObject({ mailboxId: m.id, size: p.frame.length });
  expect(JSON.stringify(events)).not.toContain('127.0.0.1');
});
