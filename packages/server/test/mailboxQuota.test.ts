/**
 * Per-mailbox quotas (issue 10 §3, docs/protocol.md §6 "Quotas"), from both sides.
 * The attacker: one claim hands out a mailbox's send capability, and on main that was enough to
 * put 36,685 posts of 64 KiB into one mailbox in 30 s, until the disk filled. Now the flood
 * stops at the mailbox's quota (507 MAILBOX_FULL), the data folder stops growing, and what was
 * accepted is all still there for the reader. The legitimate side: a week of a busy group's
 * traffic into one offline device's mailbox never meets the quota.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodePostFrame, PAYLOAD_BUCKETS, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import { DEFAULT_LIMITS } from '../src/limits/relayLimits.ts';
import { claimMailbox, floodMailbox } from '../../../test/support/anonymousAttacker.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';
import { dataFolderBytes } from './support/dataFolder.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame, sha256 } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox } from './support/wsClient.ts';

const MiB = 1024 * 1024;
/** What one envelope of each payload bucket takes in a mailbox: the 33-byte header and the payload. */
const stored = (payload: number) => 33 + payload;

describe('a flood into one claimed mailbox', () => {
  it('is held at the byte quota: the data folder stops growing, and nothing accepted is lost', async () => {
    const quota = 4 * MiB;
    const relay = await startTestRelay({ limits: { maxMailboxBytes: quota } });
    const victim = await enrolDevice(relay.url, relay.adminToken, 'victim');
    const readCap = randomBytes(32);
    const [kp] = await newKeyPackages(victim, 1);
    expect((await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ keyPackage: kp!.toString('base64url'), readCapHash: sha256(readCap).toString('base64url') }] }, victim.token)).status).toBe(200);
    // The attacker: one claim, paid with a token of a device of its own, as on main it was free.
    const insider = await enrolDevice(relay.url, relay.adminToken, 'insider');
    const target = await claimMailbox(relay.url, victim.deviceId, await tokenPurse(relay.url, insider.token, 1)());

    const before = dataFolderBytes(relay.dataDir);
    const first = await floodMailbox(relay.url, target, 300);
    const fits = Math.floor(quota / stored(65_536));
    expect(first).toEqual({ accepted: fits, refused: { MAILBOX_FULL: 300 - fits } });
    const afterFirst = dataFolderBytes(relay.dataDir);
    // 19.7 MB sent; what stayed is the quota and the pages around it.
    expect(afterFirst - before).toBeLessThan(quota * 1.2);

    // And it stays there: a second flood adds not one byte.
    const second = await floodMailbox(relay.url, target, 300);
    expect(second).toEqual({ accepted: 0, refused: { MAILBOX_FULL: 300 } });
    expect(dataFolderBytes(relay.dataDir)).toBe(afterFirst);

    // The HTTP path refuses alike, with the status the spec gives.
    const one = encodePostFrame(target.sendCap, { mailboxId: target.id as MailboxId, envelopeId: randomBytes(16).toString('hex') as EnvelopeId, payload: randomBytes(65_536) });
    const http = await call(relay.url, 'POST', '/v1/post', one);
    expect(http.status).toBe(507);
    expect(http.body.error.code).toBe('MAILBOX_FULL');

    // The reader gets every envelope that was accepted; acknowledging them makes room again.
    const { socket } = await openInbox(relay.url, victim.token, [{ id: target.id, readCap }]);
    const received: Buffer[] = [];
    for (let i = 0; i < fits; i++) received.push(await socket.binary());
    await socket.json('drained');
    expect(received.every((e) => e.length === stored(65_536))).toBe(true);
    socket.sendJson({ type: 'ack', items: received.map((e) => [target.id, e.subarray(17, 33).toString('hex')]) });
    await waitFor(async () => (await relay.store.mailboxUsage(target.id as MailboxId)).envelopes === 0);
    expect((await call(relay.url, 'POST', '/v1/post', one)).body).toEqual({ accepted: expect.any(String) });
    socket.close();
  });

  it('is held at the envelope quota with the smallest envelopes, and a resend of a stored one is still accepted', async () => {
    const relay = await startTestRelay({ limits: { maxMailboxEnvelopes: 100 } });
    const m = await createMailbox(relay.store);
    const early = postFrame(m, 'sent before the flood');
    expect((await call(relay.url, 'POST', '/v1/post', early.frame)).body).toEqual({ accepted: early.envelopeId });
    const flood = await floodMailbox(relay.url, m, 150, { payload: 256 });
    expect(flood).toEqual({ accepted: 99, refused: { MAILBOX_FULL: 51 } });
    expect(await relay.store.mailboxUsage(m.id)).toEqual({ envelopes: 100, bytes: stored(1024) + 99 * stored(256) });
    // A client that did not hear the first answer posts again: idempotent, not refused.
    expect((await call(relay.url, 'POST', '/v1/post', early.frame)).body).toEqual({ accepted: early.envelopeId });
  });
});

/**
 * The legitimate side. One device's mailbox for one conversation, the device offline for a
 * week, the conversation very busy: 50 members posting 500 messages a day. Every other
 * member's app sends delivery receipts into the conversation, batched over 5-30 s; at worst one
 * per message per member. Messages are mostly short (the 1 KiB bucket, as receipts are), some
 * long or carrying commits. Twenty such groups are twenty mailboxes, each with its own quota.
 */
function weekOfBusyGroup(scale: number): { payload: number; count: number }[] {
  const members = 50;
  const messages = (500 * 7) / scale;
  const receipts = (members - 1) * messages;
  // Of every 70 messages: 56 short, 10 long (4 KiB), 3 longer or commits (16 KiB), 1 at 64 KiB.
  const per70 = messages / 70;
  return [
    { payload: 1024, count: 56 * per70 + receipts },
    { payload: 4096, count: 10 * per70 },
    { payload: 16_384, count: 3 * per70 },
    { payload: 65_536, count: 1 * per70 },
  ];
}

describe('a week offline in a very busy group', () => {
  it('fits the default quota with room to spare', () => {
    const week = weekOfBusyGroup(1);
    const envelopes = week.reduce((n, b) => n + b.count, 0);
    const bytes = week.reduce((n, b) => n + b.count * stored(b.payload), 0);
    expect(envelopes).toBe(175_000);
    expect(envelopes).toBeLessThan(DEFAULT_LIMITS.maxMailboxEnvelopes * 0.75);
    expect(bytes).toBeLessThan(DEFAULT_LIMITS.maxMailboxBytes * 0.75);
    // Traffic all in the 1 KiB bucket meets the envelope quota before the byte quota.
    expect(DEFAULT_LIMITS.maxMailboxEnvelopes * stored(1024)).toBeLessThan(DEFAULT_LIMITS.maxMailboxBytes);
  });

  it('is accepted whole, scaled down by 50 with the quota scaled alike', async () => {
    // Same ratio of traffic to quota as at full size, 1/50 of the posts: 3,500 envelopes.
    const scale = 50;
    const relay = await startTestRelay({ limits: { maxMailboxEnvelopes: DEFAULT_LIMITS.maxMailboxEnvelopes / scale, maxMailboxBytes: DEFAULT_LIMITS.maxMailboxBytes / scale } });
    const m = await createMailbox(relay.store);
    let accepted = 0;
    for (const { payload, count } of weekOfBusyGroup(scale)) {
      expect(PAYLOAD_BUCKETS as readonly number[]).toContain(payload);
      const r = await floodMailbox(relay.url, m, count, { payload });
      expect(r.refused).toEqual({});
      accepted += r.accepted;
    }
    expect(accepted).toBe(3_500);
    expect((await relay.store.mailboxUsage(m.id)).envelopes).toBe(3_500);
  });
});
