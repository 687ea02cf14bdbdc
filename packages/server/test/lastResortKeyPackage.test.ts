/**
 * RFC 9420 §16.8 last-resort KeyPackages, from the attacker's side (issue 10): a stranger who
 * claims every KeyPackage of a device still gets one, so nobody is cut off, and the relay never
 * deletes it. Claims of it are not tied together: each gets a mailbox of its own (id, send and
 * read capability all different), so the conversations of two senders who reached the device
 * this way do not share a mailbox, and one claimer cannot post into another's.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { keyPackageMailbox, lastResortMailbox, lastResortReadCap, type DeviceId } from '@hardline/protocol';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { openInbox } from './support/wsClient.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';
import { readDiskFiles } from '../../../test/support/carveDisk.ts';

let relay: TestRelay;
let carol: TestDevice;
/** The attacker: an insider with an enrolled device's tokens (claims cost one each). */
let token: () => Promise<string>;
beforeAll(async () => {
  relay = await startTestRelay();
  carol = await enrolDevice(relay.url, relay.adminToken, 'carol');
  const insider = await enrolDevice(relay.url, relay.adminToken, 'insider');
  token = tokenPurse(relay.url, insider.token);
});

const b64 = (b: Buffer) => b.toString('base64url');
const claim = async () => call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: carol.deviceId, token: await token() });

async function uploadLastResort(readSecret: Buffer): Promise<Buffer> {
  const [lr] = await newKeyPackages(carol, 1, { lastResort: true });
  const r = await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ keyPackage: b64(lr!), readCapHash: b64(sha256(randomBytes(32))), readSecret: b64(readSecret) }] }, carol.token);
  expect(r.status).toBe(200);
  return lr!;
}

describe('a last-resort KeyPackage', () => {
  it('is handed out once the others are gone, never deleted, and every claim gets its own mailbox', async () => {
    const normal = await newKeyPackages(carol, 2);
    await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: normal.map((k) => ({ keyPackage: b64(k), readCapHash: b64(randomBytes(32)) })) }, carol.token);
    const readSecret = randomBytes(32);
    const lr = await uploadLastResort(readSecret);
    expect((await call(relay.url, 'GET', '/v1/keypackages/count', undefined, carol.token)).body).toEqual({ count: 2, lastResort: true });

    // The attacker claims everything: the normal ones first, then the last-resort one, again and again.
    for (const kp of normal) expect((await claim()).body).toEqual({ keyPackage: b64(kp) });
    const claims = [];
    for (let i = 0; i < 5; i++) {
      const c = await claim();
      expect(c.status).toBe(200);
      expect(c.body.keyPackage).toBe(b64(lr));
      claims.push(Buffer.from(c.body.mailboxNonce, 'base64url'));
    }
    expect((await call(relay.url, 'GET', '/v1/keypackages/count', undefined, carol.token)).body).toEqual({ count: 0, lastResort: true });

    // Five claims, five unrelated mailboxes, none of them the package's own (the Welcome drop).
    const mailboxes = claims.map((n) => lastResortMailbox(lr, n));
    const ids = new Set([keyPackageMailbox(lr).mailboxId, ...mailboxes.map((m) => m.mailboxId)]);
    expect(ids.size).toBe(6);
    const rows = await Promise.all(mailboxes.map((m) => relay.store.getMailbox(m.mailboxId)));
    const hashes = rows.flatMap((r) => [b64(Buffer.from(r!.readCapHash)), b64(Buffer.from(r!.sendCapHash))]);
    const welcomeRow = await relay.store.getMailbox(keyPackageMailbox(lr).mailboxId);
    expect(new Set([...hashes, b64(Buffer.from(welcomeRow!.readCapHash)), b64(Buffer.from(welcomeRow!.sendCapHash))]).size).toBe(12);

    // Carol derives each claim's read capability; claimer 1's send capability cannot post into claimer 2's mailbox.
    const box = (i: number): TestMailbox => ({ id: mailboxes[i]!.mailboxId, readCap: Buffer.from(lastResortReadCap(readSecret, mailboxes[i]!.mailboxId)), sendCap: Buffer.from(mailboxes[i]!.sendCap) });
    const { socket, subscribed } = await openInbox(relay.url, carol.token, [box(0), box(1)]);
    expect(subscribed.denied).toEqual([]);
    await socket.json('drained');
    const hijack = postFrame(box(1), 'hijack', undefined, box(0).sendCap);
    expect((await call(relay.url, 'POST', '/v1/post', hijack.frame)).status).toBe(403);
    const genuine = postFrame(box(1), 'hello');
    expect((await call(relay.url, 'POST', '/v1/post', genuine.frame)).status).toBe(200);
    expect((await socket.binary()).length).toBeGreaterThan(0);
    socket.close();

    // At rest, while the package and its claims' mailboxes live: no file holds the package (or
    // any 32-byte piece of it) or its read secret, which would tie those mailboxes to carol.
    for (const f of readDiskFiles(relay.dataDir)) {
      expect(f.bytes.includes(readSecret), f.name).toBe(false);
      for (let off = 0; off + 32 <= lr.length; off += 32) expect(f.bytes.includes(lr.subarray(off, off + 32)), `${f.name} @${off}`).toBe(false);
    }
  });

  it('a new one replaces the old; revocation deletes it', async () => {
    const first = await uploadLastResort(randomBytes(32));
    const second = await uploadLastResort(randomBytes(32));
    const c = await claim();
    expect(c.body.keyPackage).toBe(b64(second));
    expect(c.body.keyPackage).not.toBe(b64(first));
    await call(relay.url, 'POST', `/v1/admin/devices/${carol.deviceId}/revoke`, {}, relay.adminToken);
    expect((await claim()).body.error.code).toBe('REVOKED');
    expect(await relay.store.hasLastResortKeyPackage(carol.deviceId as DeviceId)).toBe(false);
  });
});
