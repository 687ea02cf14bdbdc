/**
 * @module pushRounds.test
 * The relay's push rounds, played from a global network observer's side (issue 12): a tap on
 * each held-open inbox's link records the time and size of every frame the relay sends down
 * (test/support/downlinkTap.ts), on a clock the test moves (no real waiting, no timing bounds on
 * a loaded machine). At `balanced` a push never follows its post at once: it leaves at the next
 * round boundary, the same moment for every post of that round and every inbox, so its time says
 * which round, not which post; idle inboxes get cover envelopes of the real pushes' size at the
 * same boundaries, which the client drops; and nothing is lost: acks delete, a reader that left
 * before its round gets the envelope on its next drain. At `off` each push follows its post.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, type MailboxId } from '@hardline/protocol';
import { seededRandom } from '../../../bench/metadata/random.ts';
import { DownlinkTap, flushAll } from '../../../test/support/downlinkTap.ts';
import { ManualClock } from '../../../test/support/manualClock.ts';
import { PUSH_ROUND_POLICIES, type PushRoundLevel } from '../src/ws/pushRoundPolicy.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame, type TestMailbox } from './support/envelopes.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox, type TestSocket } from './support/wsClient.ts';

const ROUND = PUSH_ROUND_POLICIES.balanced.roundMs;

type Reader = { m: TestMailbox; socket: TestSocket; tap: DownlinkTap };

let relay: TestRelay;
let clock: ManualClock;
let taps: DownlinkTap[];
let device: TestDevice;
const sockets: TestSocket[] = [];

async function relayAt(level: PushRoundLevel, seed: number): Promise<void> {
  taps = [];
  const settle = flushAll(taps);
  clock = new ManualClock(() => settle());
  relay = await startTestRelay({ pushRounds: { level, timing: { clock, random: seededRandom(seed).next } } });
  device = await enrolDevice(relay.url, relay.adminToken, 'reader');
}
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await relay.close();
});

/** A held-open inbox on one mailbox, past its (empty) drain, with a tap on its downlink. */
async function reader(): Promise<Reader> {
  const m = await createMailbox(relay.store);
  const { socket } = await openInbox(relay.url, device.token, [m]);
  await socket.json('drained');
  sockets.push(socket);
  const tap = new DownlinkTap(socket.ws, clock);
  taps.push(tap);
  return { m, socket, tap };
}

/**
 * An anonymous post into `r`'s mailbox at the clock's now, from a send-scheduler slot (`later`,
 * as texts and receipts go) or not (`now`: a call's signal); then whatever it set off has landed.
 */
async function post(r: Reader, text = 'hi', wake: 'now' | 'later' = 'later'): Promise<{ t: number; envelopeId: string }> {
  const p = postFrame(r.m, text);
  const res = await fetch(`${relay.url}/v1/post`, { method: 'POST', headers: { 'hardline-wake': wake }, body: new Uint8Array(p.frame) });
  expect(res.status).toBe(200);
  const t = clock.now();
  await flushAll(taps)();
  return { t, envelopeId: p.envelopeId };
}

/** Whether `t` is a whole number of rounds from `base` (boundaries carry a random fractional phase). */
const onLattice = (t: number, base: number, round = ROUND): boolean => {
  const r = (((t - base) % round) + round) % round;
  return r < 1e-6 || round - r < 1e-6;
};
const idOf = (data: Buffer): string => decodeEnvelope(new Uint8Array(data)).envelopeId;
const mailboxOf = (data: Buffer): MailboxId => decodeEnvelope(new Uint8Array(data)).mailboxId;

describe('push rounds at balanced, seen from the relay\'s link', () => {
  it('a push never follows its post at once: it leaves at the next round boundary, shared by every post of the round', async () => {
    await relayAt('balanced', 1);
    const a = await reader();
    const b = await reader();
    const rng = seededRandom(2);
    const posts: { r: Reader; t: number; envelopeId: string }[] = [];
    for (let i = 0; i < 12; i++) {
      // Posts at odd moments: the observer sees each upload's time exactly.
      await clock.advance(Math.floor(rng.next() * 1700) + 1);
      const r = i % 3 === 0 ? b : a;
      posts.push({ r, ...(await post(r, `m${i}`)) });
    }
    await clock.advance(ROUND);
    const delays: number[] = [];
    const pushAt = new Map<string, number>();
    for (const r of [a, b]) for (const f of r.tap.downloads) pushAt.set(idOf(f.data), f.t);
    for (const p of posts) {
      const t = pushAt.get(p.envelopeId);
      expect(t, 'every envelope reached its reader').toBeDefined();
      // Not at the post (the tap flushed right after it), and within one round.
      expect(t!).toBeGreaterThan(p.t);
      expect(t! - p.t).toBeLessThanOrEqual(ROUND);
      delays.push(t! - p.t);
    }
    // Every download of either reader, real or cover, sits on one lattice of round boundaries.
    const all = [a, b].flatMap((r) => r.tap.downloads.map((f) => f.t));
    const base = all[0]!;
    expect(all.every((t) => onLattice(t, base))).toBe(true);
    // So the delay is the post's distance to the boundary: spread over the round, not a constant
    // an observer could subtract; and posts of one round share their push's moment.
    delays.sort((x, y) => x - y);
    expect(delays.at(-1)! - delays[0]!).toBeGreaterThan(ROUND / 2);
    const rounds = new Set(posts.map((p) => pushAt.get(p.envelopeId)));
    expect(rounds.size).toBeLessThan(posts.length);
  });

  it('idle inboxes get cover at round boundaries, the size real pushes have, and the client drops it', async () => {
    await relayAt('balanced', 3);
    const readers = [await reader(), await reader(), await reader()];
    // One real message first, so the relay has seen the size real pushes take.
    await post(readers[0]!);
    await clock.advance(ROUND);
    const realSize = readers[0]!.tap.downloads[0]!.size;
    const from = clock.now();
    const rounds = 300;
    await clock.advance(rounds * ROUND);
    const cover = readers.flatMap((r) => r.tap.downloads.filter((f) => f.t > from).map((f) => ({ r, f })));
    const expected = readers.length * rounds * PUSH_ROUND_POLICIES.balanced.coverChance;
    console.log(`balanced: ${cover.length} cover pushes to ${readers.length} idle inboxes in ${rounds} rounds (expected ${expected})`);
    // Binomial: within about four standard deviations of the mean.
    expect(Math.abs(cover.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    const base = readers[0]!.tap.downloads[0]!.t;
    for (const { r, f } of cover) {
      expect(onLattice(f.t, base)).toBe(true);
      expect(f.size).toBe(realSize);
      // A well-formed envelope on the wire, for a mailbox the reader does not read: dropped.
      expect(mailboxOf(f.data)).not.toBe(r.m.id);
    }
    // The reader acks cover as it acks anything it drops; the relay ignores it and carries on.
    const { r, f } = cover[0]!;
    r.socket.sendJson({ type: 'ack', items: [[mailboxOf(f.data), idOf(f.data)]] });
    const after = await post(r, 'still delivered');
    await clock.advance(ROUND);
    expect(r.tap.downloads.some((d) => idOf(d.data) === after.envelopeId)).toBe(true);
  });

  it('a call\'s signal (a post marked `now`) goes at once at balanced, and takes what was held with it', async () => {
    await relayAt('balanced', 7);
    const a = await reader();
    await clock.advance(ROUND / 3);
    const text = await post(a, 'a text');
    const ring = await post(a, 'a ring', 'now');
    // (A cover push may have come at a boundary before the text.)
    expect(a.tap.downloads.filter((f) => f.t >= text.t).map((f) => [idOf(f.data), f.t])).toEqual([
      [text.envelopeId, ring.t],
      [ring.envelopeId, ring.t],
    ]);
  });

  it('strict: every open inbox gets one frame each round, real or cover', async () => {
    await relayAt('strict', 4);
    const [a, b] = [await reader(), await reader()];
    await post(a);
    // At strict a ring waits for the round too.
    const ring = await post(b, 'a ring', 'now');
    expect(b.tap.downloads).toEqual([]);
    const round = PUSH_ROUND_POLICIES.strict.roundMs;
    await clock.advance(20 * round);
    expect(b.tap.downloads.map((f) => idOf(f.data))).toContain(ring.envelopeId);
    for (const r of [a, b]) {
      const ts = r.tap.downloads.map((f) => f.t);
      expect(new Set(ts).size).toBe(ts.length);
      expect(ts.length).toBeGreaterThanOrEqual(20);
      expect(ts.length).toBeLessThanOrEqual(21);
    }
  });

  it('loses nothing: acks delete, and a reader gone before its round gets the envelope on its next drain', async () => {
    await relayAt('balanced', 5);
    const a = await reader();
    const p = await post(a, 'acked');
    await clock.advance(ROUND);
    const pushed = a.tap.downloads.find((f) => idOf(f.data) === p.envelopeId)!;
    a.socket.sendJson({ type: 'ack', items: [[a.m.id, p.envelopeId]] });
    await waitFor(async () => (await relay.store.listEnvelopes(a.m.id, 0, 10)).length === 0, 10_000, 'ack applied');
    expect(pushed).toBeDefined();
    const held = await post(a, 'held when the reader left');
    a.socket.close();
    await waitFor(() => clock.pending === 0, 10_000, 'round timer stopped with no inbox open');
    await clock.advance(ROUND);
    const { socket } = await openInbox(relay.url, device.token, [a.m]);
    sockets.push(socket);
    // The drain goes at once, as before rounds: the reader's own connect, not anyone's post.
    expect(idOf(await socket.binary())).toBe(held.envelopeId);
    await socket.json('drained');
  });
});

describe('push rounds off', () => {
  it('each push follows its post at once, and no cover comes', async () => {
    await relayAt('off', 6);
    const a = await reader();
    const p = await post(a);
    expect(a.tap.downloads.map((f) => [idOf(f.data), f.t])).toEqual([[p.envelopeId, p.t]]);
    expect(clock.pending).toBe(0);
  });
});
