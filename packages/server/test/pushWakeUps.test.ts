/**
 * Web Push wake-ups (docs/protocol.md §6 "Push wake-ups", §7, §8) against a local push-service
 * stand-in that checks VAPID (RFC 8292) and decrypts RFC 8291 payloads the way a browser would.
 * The stand-in plays the vendor: it must learn that a browser was woken and when, and nothing
 * about what was posted or by whom.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushService, type BrowserSubscription, type PushServiceStandIn } from '../../../test/support/pushService.ts';
import { PUSH_FILE_NAME } from '../src/push/pushTargetStore.ts';
import { WAKE_PAYLOAD } from '../src/push/wakeUps.ts';
import { createMailbox, postFrame, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { openInbox } from './support/wsClient.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let push: PushServiceStandIn;
let relay: TestRelay;
beforeAll(async () => {
  push = await startPushService();
  relay = await startTestRelay({ push: { endpoints: { hosts: [push.host], allowHttp: true } } });
});
afterAll(async () => {
  await push.close();
});

async function register(m: TestMailbox, subscription: BrowserSubscription | null, opts: { readCap?: Buffer; sendCap?: Buffer } = {}) {
  const res = await fetch(`${relay.url}/v1/push/${m.id}`, {
    method: 'PUT',
    headers: { authorization: `Capability ${(opts.readCap ?? m.readCap).toString('hex')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sendCap: (opts.sendCap ?? m.sendCap).toString('hex'), subscription }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function post(m: TestMailbox, text: string, size?: number): Promise<void> {
  const r = await call(relay.url, 'POST', '/v1/post', postFrame(m, text.padEnd(size ?? 0, '.')).frame);
  expect(r.status).toBe(200);
}

async function pushesFor(sub: BrowserSubscription, n: number): Promise<typeof push.received> {
  const id = sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);
  for (let i = 0; i < 500; i++) {
    const got = push.received.filter((p) => p.subscription === id);
    if (got.length >= n) return got;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${n} wake-ups`);
}

describe('push wake-ups', () => {
  it('publishes the VAPID key, and wakes a registered mailbox with a VAPID-signed RFC 8291 push', async () => {
    const info = await call(relay.url, 'GET', '/v1/push');
    expect(info.status).toBe(200);
    expect(info.body.enabled).toBe(true);
    expect(Buffer.from(info.body.vapidPublicKey, 'base64url')).toHaveLength(65);
    const m = await createMailbox(relay.store);
    const sub = push.subscribe();
    expect(await register(m, sub)).toEqual({ status: 200, body: { mailboxId: m.id, wakeUps: true } });
    await post(m, 'hello');
    const [wake] = await pushesFor(sub, 1);
    expect(wake!.vapidValid).toBe(true);
    expect(wake!.vapidKey).toBe(info.body.vapidPublicKey);
    expect(wake!.contentEncoding).toBe('aes128gcm');
    expect(wake!.plaintext).toEqual(WAKE_PAYLOAD);
  });

  it('tells the push service nothing: every wake-up is the same size, payload and headers, whoever posted what', async () => {
    const a = await createMailbox(relay.store);
    const b = await createMailbox(relay.store);
    const subA = push.subscribe();
    const subB = push.subscribe();
    await register(a, subA);
    await register(b, subB);
    // A "call" from one sender and a short "message" from another: as different as envelopes get.
    await post(a, 'RING from alice', 900);
    const [ring] = await pushesFor(subA, 1);
    await post(b, 'hi from bob');
    const [text] = await pushesFor(subB, 1);
    for (const w of [ring!, text!]) {
      // RFC 8291: 86-byte header, the fixed 64 bytes + 1 delimiter, 16-byte tag.
      expect(w.bodyLength).toBe(167);
      expect(w.plaintext).toEqual(WAKE_PAYLOAD);
      expect({ ttl: w.ttl, urgency: w.urgency, topic: w.topic }).toEqual({ ttl: ring!.ttl, urgency: 'high', topic: ring!.topic });
      const plain = w.plaintext!.toString('latin1');
      for (const secret of ['alice', 'bob', 'RING', a.id, b.id]) expect(plain).not.toContain(secret);
      expect(Object.keys(w.jwtClaims ?? {}).sort()).toEqual(['aud', 'exp', 'sub']);
    }
  });

  it('sends no wake-up while an inbox reads the mailbox', async () => {
    const dev = await enrolDevice(relay.url, relay.adminToken, 'reader');
    const read = await createMailbox(relay.store);
    const unread = await createMailbox(relay.store);
    const sub = push.subscribe();
    await register(read, sub);
    await register(unread, sub);
    const inbox = await openInbox(relay.url, dev.token, [read]);
    await post(read, 'seen live');
    await post(unread, 'needs a wake-up');
    await pushesFor(sub, 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(push.received.filter((p) => sub.endpoint.endsWith(p.subscription))).toHaveLength(1);
    inbox.socket.close();
  });

  it('coalesces: posts while a wake-up is on its way add at most one more', async () => {
    const m = await createMailbox(relay.store);
    const sub = push.subscribe();
    await register(m, sub);
    const release = push.hold();
    await post(m, 'first');
    await pushesFor(sub, 1);
    for (let i = 0; i < 5; i++) await post(m, `more ${i}`);
    release();
    const got = await pushesFor(sub, 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toHaveLength(2);
    expect(push.received.filter((p) => sub.endpoint.endsWith(p.subscription))).toHaveLength(2);
  });

  it('forgets a target the push service says is gone (410), and one its device removes', async () => {
    const m = await createMailbox(relay.store);
    const sub = push.subscribe();
    await register(m, sub);
    push.expire(sub);
    const before = push.received.length;
    await post(m, 'to a gone browser');
    const other = await createMailbox(relay.store);
    const probe = push.subscribe();
    await register(other, probe);
    await post(other, 'probe');
    await pushesFor(probe, 1);
    expect(push.received.length).toBe(before + 1);
    const m2 = await createMailbox(relay.store);
    await register(m2, sub);
    expect(await register(m2, null)).toEqual({ status: 200, body: { mailboxId: m2.id, wakeUps: false } });
  });

  it('keeps targets sealed under the send capability: the file shows no endpoint or key, and two mailboxes of one browser look unrelated', async () => {
    const sub = push.subscribe();
    const m1 = await createMailbox(relay.store);
    const m2 = await createMailbox(relay.store);
    await register(m1, sub);
    await register(m2, sub);
    const disk = readFileSync(join(relay.dataDir, PUSH_FILE_NAME));
    const endpointId = sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);
    for (const needle of [Buffer.from(endpointId), Buffer.from(sub.endpoint), Buffer.from(sub.keys.p256dh), Buffer.from(sub.keys.auth, 'base64url'), Buffer.from(sub.keys.p256dh, 'base64url')]) {
      expect(disk.includes(needle)).toBe(false);
    }
    const db = new Database(join(relay.dataDir, PUSH_FILE_NAME), { readonly: true });
    const rows = db.prepare('SELECT mailbox_id, sealed FROM targets WHERE mailbox_id IN (?, ?)').all(m1.id, m2.id) as { sealed: Buffer }[];
    db.close();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.sealed.length).toBe(rows[1]!.sealed.length);
    expect(rows[0]!.sealed.equals(rows[1]!.sealed)).toBe(false);
    expect(rows[0]!.sealed.subarray(12, 60).equals(rows[1]!.sealed.subarray(12, 60))).toBe(false);
  });

  it('a damaged target row never fails the post', async () => {
    const m = await createMailbox(relay.store);
    await register(m, push.subscribe());
    const db = new Database(join(relay.dataDir, PUSH_FILE_NAME));
    db.prepare('UPDATE targets SET sealed = ? WHERE mailbox_id = ?').run(Buffer.alloc(7), m.id);
    db.close();
    await post(m, 'still accepted');
  });

  it('still wakes after a restart (the target opens with the capability a sender presents)', async () => {
    const dataDir = relay.dataDir;
    const m = await createMailbox(relay.store);
    const sub = push.subscribe();
    await register(m, sub);
    await relay.close();
    relay = await startTestRelay({ dataDir, push: { endpoints: { hosts: [push.host], allowHttp: true } } });
    await post(m, 'after restart');
    expect((await pushesFor(sub, 1))[0]!.plaintext).toEqual(WAKE_PAYLOAD);
  });

  it('refuses bad registrations with typed errors', async () => {
    const m = await createMailbox(relay.store);
    const sub = push.subscribe();
    const codes = async (p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      return [r.status, r.body.error?.code];
    };
    expect(await codes(register(m, sub, { readCap: randomBytes(32) }))).toEqual([403, 'BAD_CAPABILITY']);
    expect(await codes(register(m, sub, { sendCap: randomBytes(32) }))).toEqual([403, 'BAD_CAPABILITY']);
    expect(await codes(register({ ...m, id: randomBytes(16).toString('hex') as TestMailbox['id'] }, sub))).toEqual([404, 'NO_MAILBOX']);
    // Aiming the relay at an internal host, or over plain http to a vendor, is refused.
    expect(await codes(register(m, { ...sub, endpoint: 'http://10.0.0.1/push/x' }))).toEqual([400, 'VALIDATION']);
    expect(await codes(register(m, { ...sub, endpoint: 'http://fcm.googleapis.com.evil.example/x' }))).toEqual([400, 'VALIDATION']);
    expect(await codes(register(m, { ...sub, keys: { ...sub.keys, p256dh: 'AAAA' } }))).toEqual([400, 'DECODE']);
    expect(await codes(register(m, { ...sub, keys: { ...sub.keys, auth: sub.keys.p256dh } }))).toEqual([400, 'DECODE']);
    expect(await codes(register(m, { ...sub, endpoint: `${push.origin}/${'x'.repeat(1100)}` }))).toEqual([400, 'DECODE']);
    const noCap = await fetch(`${relay.url}/v1/push/${m.id}`, { method: 'PUT', body: JSON.stringify({ sendCap: m.sendCap.toString('hex'), subscription: sub }) });
    expect(noCap.status).toBe(401);
    expect(await codes(call(relay.url, 'PUT', '/v1/push/NOT-HEX', { sendCap: m.sendCap.toString('hex'), subscription: sub }))).toEqual([400, 'DECODE']);
  });
});

describe('an organisation that turned push off', () => {
  it('says so, stores no target and sends nothing', async () => {
    const off = await startTestRelay({ push: false });
    expect((await call(off.url, 'GET', '/v1/push')).body).toEqual({ enabled: false });
    const m = await createMailbox(off.store);
    const res = await fetch(`${off.url}/v1/push/${m.id}`, {
      method: 'PUT',
      headers: { authorization: `Capability ${m.readCap.toString('hex')}` },
      body: JSON.stringify({ sendCap: m.sendCap.toString('hex'), subscription: push.subscribe() }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('FORBIDDEN');
  });
});
