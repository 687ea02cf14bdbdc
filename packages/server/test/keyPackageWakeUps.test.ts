/**
 * Wake-ups for the first message of a conversation someone else starts (issue 14): it arrives
 * as a Welcome in the mailbox of a KeyPackage a stranger claimed, which did not exist when the
 * device registered its other mailboxes. Played from three sides: the stranger (claims and
 * posts, and the device's browser must be woken through the push-service stand-in), the
 * seized disk (the device's subscription must never be on it, nor anything tying the
 * KeyPackage mailboxes to the device or to each other), and a caller without a session.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPackageMailbox, lastResortMailbox, lastResortReadCap } from '@hardline/protocol';
import { startPushService, type BrowserSubscription, type PushServiceStandIn } from '../../../test/support/pushService.ts';
import { readDiskFiles } from '../../../test/support/carveDisk.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { kpMailbox, postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { PUSH_FILE_NAME } from '../src/push/pushTargetStore.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let push: PushServiceStandIn;
let relay: TestRelay;
let frank: TestDevice;
let token: () => Promise<string>;
const b64 = (b: Buffer) => b.toString('base64url');

beforeAll(async () => {
  push = await startPushService();
  relay = await startTestRelay({ push: { endpoints: { hosts: [push.host], allowHttp: true } } });
  frank = await enrolDevice(relay.url, relay.adminToken, 'frank');
  token = tokenPurse(relay.url, (await enrolDevice(relay.url, relay.adminToken, 'stranger')).token);
});
afterAll(async () => {
  await relay.close();
  await push.close();
});

const setTarget = (subscription: BrowserSubscription | null, auth: string | undefined = frank.token, level?: string) =>
  call(relay.url, 'PUT', '/v1/push/keypackages', { subscription, ...(level ? { level } : {}) }, auth);
const claim = async () => call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: frank.deviceId, token: await token() });

async function upload(n: number, opts: { lastResort?: Buffer } = {}): Promise<Buffer[]> {
  const kps = await newKeyPackages(frank, n, { lastResort: opts.lastResort !== undefined });
  const r = await call(
    relay.url,
    'POST',
    '/v1/keypackages',
    { keyPackages: kps.map((k) => ({ keyPackage: b64(k), readCapHash: b64(sha256(randomBytes(32))), ...(opts.lastResort ? { readSecret: b64(opts.lastResort) } : {}) })) },
    frank.token,
  );
  expect(r.status).toBe(200);
  return kps;
}

/** The sealed target row of a mailbox, read from the file as a seized copy would be. */
function targetRow(mailboxId: string): Buffer | undefined {
  const db = new Database(join(relay.dataDir, PUSH_FILE_NAME), { readonly: true });
  try {
    return (db.prepare('SELECT sealed FROM targets WHERE mailbox_id = ?').get(mailboxId) as { sealed: Buffer } | undefined)?.sealed;
  } finally {
    db.close();
  }
}

async function post(m: TestMailbox, text: string): Promise<void> {
  expect((await call(relay.url, 'POST', '/v1/post', postFrame(m, text).frame)).status).toBe(200);
}

async function wakesOf(sub: BrowserSubscription, n: number): Promise<number> {
  const id = sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);
  const count = (): number => push.received.filter((p) => p.subscription === id).length;
  for (let i = 0; i < 300 && count() < n; i++) await new Promise((r) => setTimeout(r, 10));
  return count();
}

describe('wake-ups for KeyPackage mailboxes', () => {
  it('a stranger claims a KeyPackage and posts the Welcome: the device is woken; without a target it is not', async () => {
    const [before] = await upload(1);
    const sub = push.subscribe();
    // No target yet: the Welcome waits, as it did before this feature.
    expect((await claim()).body.keyPackage).toBe(b64(before!));
    await post(kpMailbox(before!, randomBytes(32)), 'welcome, unheard');
    expect(await wakesOf(sub, 1)).toBe(0);

    expect(await setTarget(sub)).toEqual({ status: 200, body: { wakeUps: true } });
    const [kp] = await upload(1);
    expect((await claim()).body.keyPackage).toBe(b64(kp!));
    await post(kpMailbox(kp!, randomBytes(32)), 'welcome');
    expect(await wakesOf(sub, 1)).toBe(1);
  });

  it('through the last-resort KeyPackage: the Welcome wakes, and so does the claim\'s own mailbox, whoever claimed', async () => {
    const sub = push.subscribe();
    expect((await setTarget(sub, frank.token, 'off')).status).toBe(200);
    const secret = randomBytes(32);
    const [lr] = await upload(1, { lastResort: secret });
    while ((await call(relay.url, 'GET', '/v1/keypackages/count', undefined, frank.token)).body.count > 0) await claim();
    const claims = [await claim(), await claim()];
    const welcome = kpMailbox(lr!, randomBytes(32));
    await post(welcome, 'welcome 1');
    expect(await wakesOf(sub, 1)).toBe(1);
    for (const [i, c] of claims.entries()) {
      const own = lastResortMailbox(lr!, Buffer.from(c.body.mailboxNonce, 'base64url'));
      await post({ id: own.mailboxId, sendCap: Buffer.from(own.sendCap), readCap: Buffer.from(lastResortReadCap(secret, own.mailboxId)) }, `first message ${i}`);
      expect(await wakesOf(sub, 2 + i)).toBe(2 + i);
    }
  });

  it('keeps the subscription off the disk: before a claim it is in memory only, after one only sealed rows with nothing in common', async () => {
    const sub = push.subscribe();
    await setTarget(sub);
    const kps = await upload(2);
    const needles = [sub.endpoint, sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1), sub.keys.p256dh, sub.keys.auth].map((s) => Buffer.from(s));
    needles.push(Buffer.from(sub.keys.p256dh, 'base64url'), Buffer.from(sub.keys.auth, 'base64url'));
    const onDisk = (): string[] => readDiskFiles(relay.dataDir).flatMap((f) => needles.filter((n) => f.bytes.includes(n)).map(() => f.name));
    expect(onDisk()).toEqual([]);
    await claim();
    await claim();
    expect(onDisk()).toEqual([]);
    const ids = kps.map((k) => keyPackageMailbox(k).mailboxId);
    const sealed = ids.map((id) => targetRow(id)!);
    expect(sealed.map((s) => s.length)).toEqual([sealed[0]!.length, sealed[0]!.length]);
    expect(sealed[0]!.subarray(0, 64).equals(sealed[1]!.subarray(0, 64))).toBe(false);
  });

  it('takes the target only with a session, refuses bad input with typed errors, and removes it on null', async () => {
    const sub = push.subscribe();
    expect((await call(relay.url, 'PUT', '/v1/push/keypackages', { subscription: sub })).status).toBe(401);
    expect((await setTarget(sub, 'not-a-session')).status).toBe(401);
    const codes = async (p: ReturnType<typeof setTarget>) => {
      const r = await p;
      return [r.status, r.body.error?.code];
    };
    expect(await codes(setTarget(sub, frank.token, 'loud'))).toEqual([400, 'VALIDATION']);
    expect(await codes(setTarget({ ...sub, endpoint: 'https://10.0.0.1/x' }))).toEqual([400, 'VALIDATION']);
    expect(await codes(setTarget({ ...sub, keys: { ...sub.keys, auth: 'AAAA' } }))).toEqual([400, 'DECODE']);
    expect(await codes(call(relay.url, 'PUT', '/v1/push/keypackages', {}, frank.token))).toEqual([400, 'VALIDATION']);
    expect(await setTarget(null)).toEqual({ status: 200, body: { wakeUps: false } });
    const [kp] = await upload(1);
    await claim();
    expect(targetRow(keyPackageMailbox(kp!).mailboxId)).toBeUndefined();
  });

  it('an organisation that turned push off refuses it', async () => {
    const off = await startTestRelay({ push: false });
    try {
      const dana = await enrolDevice(off.url, off.adminToken, 'dana');
      const r = await call(off.url, 'PUT', '/v1/push/keypackages', { subscription: push.subscribe() }, dana.token);
      expect([r.status, r.body.error?.code]).toEqual([403, 'FORBIDDEN']);
    } finally {
      await off.close();
    }
  });
});
