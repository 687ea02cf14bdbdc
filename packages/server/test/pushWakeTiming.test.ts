/**
 * When the relay wakes a browser, played from the push provider's side (issue 14): the
 * stand-in records every wake-up per subscription, on a clock the test moves (no real waiting,
 * no timing bounds on a loaded machine). At `balanced` and `strict` a message gets no wake-up
 * of its own: the wake-ups a browser gets are the same, to the millisecond, whether or not
 * anyone wrote to it (the next cover wake-up carries the message). A browser the relay keeps
 * no cover timer for (its table full) gets no wake-up for a message at all, rather than one
 * timed by it; an insider re-registering endpoint after endpoint cannot fill that table, and a
 * push service that calls a browser gone to stop its cover gets no message-timed wake-up
 * after. A call's comes at once, whatever is due; and cover wake-ups come at the level's rate,
 * looking like any other.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxId } from '@hardline/protocol';
import { startPushService, type BrowserSubscription, type PushServiceStandIn } from '../../../test/support/pushService.ts';
import { ManualClock } from '../../../test/support/manualClock.ts';
import { seededRandom } from '../../../bench/metadata/random.ts';
import { sealPushTarget } from '../src/push/pushTargetSeal.ts';
import { PushTargetStore } from '../src/push/pushTargetStore.ts';
import { WAKE_POLICIES, type WakeLevel } from '../src/push/wakePolicy.ts';
import { mailboxOwner, WakeUps, type PostWake, type WakeOwner } from '../src/push/wakeUps.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { tmpDir } from './support/tmpDir.ts';
import { createMailbox, postFrame, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { TestSocket } from './support/wsClient.ts';

let push: PushServiceStandIn;
let store: PushTargetStore;
let clock: ManualClock;
let wakeUps: WakeUps;
/** Wake-up times per subscription id, on the test's clock: what the push provider sees. */
let seen: Map<string, number[]>;

beforeAll(async () => {
  push = await startPushService();
  store = new PushTargetStore(tmpDir());
  push.onPush = (p) => seen.get(p.subscription)?.push(clock.now()) ?? seen.set(p.subscription, [clock.now()]);
});
afterAll(async () => {
  store.close();
  await push.close();
});

/** `maxCovered`: the relay keeps cover timers for at most this many browsers (MAX_COVERED). */
function fresh(seed: number, maxCovered?: number, log?: (line: string) => void): void {
  seen = new Map();
  clock = new ManualClock(() => wakeUps.settle());
  const opts = { clock, random: seededRandom(seed).next, ...(maxCovered !== undefined ? { maxCovered } : {}), ...(log ? { log } : {}) };
  wakeUps = new WakeUps(store, 'mailto:ops@example.org', opts);
}
afterEach(async () => {
  await wakeUps.close();
});

type Browser = { sub: BrowserSubscription; id: string; mailbox: MailboxId; sendCap: Buffer };

/** A browser registered at `level` for one mailbox, as `PUT /v1/push/:mailboxId` does. */
function browser(level: WakeLevel): Browser {
  const sub = push.subscribe();
  const mailbox = randomBytes(16).toString('hex') as MailboxId;
  const sendCap = randomBytes(32);
  const b = { sub, id: sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1), mailbox, sendCap };
  register(b, level);
  return b;
}

/** `PUT /v1/push/:mailboxId` with `b`'s subscription: the sealed row, then the cover entry. */
function register(b: Browser, level: WakeLevel): void {
  const target = { endpoint: b.sub.endpoint, p256dh: b.sub.keys.p256dh, auth: b.sub.keys.auth, level };
  store.put(b.mailbox, sealPushTarget(b.sendCap, b.mailbox, target));
  wakeUps.known(target, mailboxOwner(b.mailbox));
}

async function post(b: Browser, wake: PostWake): Promise<void> {
  wakeUps.wake(b.mailbox, b.sendCap, wake);
  await wakeUps.settle();
}

const times = (b: Browser): number[] => seen.get(b.id) ?? [];
const SECOND = 1000;

describe('wake-up timing at the relay', () => {
  for (const level of ['balanced', 'strict'] as const) {
    it(`${level}: messages change no wake-up: a browser written to is woken exactly when one left alone is`, async () => {
      // Twice from the same seed: once with 5 messages to each browser over 10 minutes, once with none.
      const run = async (write: boolean): Promise<number[][]> => {
        fresh(11);
        const start = clock.now();
        const browsers = Array.from({ length: 10 }, () => browser(level));
        for (let i = 0; i < 5; i++) {
          if (write) for (const b of browsers) await post(b, 'later');
          await clock.advance(120 * SECOND);
        }
        await clock.advance(3 * 3600 * SECOND);
        const out = browsers.map((b) => times(b).map((t) => t - start));
        await wakeUps.close();
        return out;
      };
      const written = await run(true);
      expect(wakeUps.stats.riding).toBe(50);
      const alone = await run(false);
      // Cover only: several in 3 h 10 min at these rates, and none lined up with a post.
      expect(written.flat().length).toBeGreaterThan(10);
      expect(written).toEqual(alone);
      fresh(12);
    });
  }

  for (const level of ['balanced', 'strict'] as const) {
    it(`${level}: with the cover table full, a message wakes nobody (no wake-up timed by it); a ring still wakes at once`, async () => {
      const logs: string[] = [];
      fresh(1, 1, (l) => logs.push(l));
      const { coalesceMs, maxDelayMs } = WAKE_POLICIES[level];
      browser(level);
      const late = Array.from({ length: 5 }, () => browser(level));
      expect(wakeUps.covered).toBe(1);
      const start = clock.now();
      for (let i = 0; i < 3; i++) {
        for (const b of late) await post(b, 'later');
        await clock.advance(SECOND);
      }
      // Past the delay bound and the window: a wake-up here would have been timed by the posts.
      await clock.advance(coalesceMs + maxDelayMs);
      expect(late.map((b) => times(b).filter((t) => t >= start))).toEqual(late.map(() => []));
      expect(wakeUps.stats.uncovered).toBe(15);
      expect(wakeUps.stats.riding).toBe(0);
      // Said once, and without an endpoint or a mailbox in it.
      expect(logs).toHaveLength(1);
      for (const b of late) expect(logs[0]).not.toContain(b.id);
      for (const b of late) expect(logs[0]).not.toContain(b.mailbox);
      const ringAt = clock.now();
      await post(late[0]!, 'now');
      expect(times(late[0]!)).toEqual([ringAt]);
    });
  }

  it('an insider re-registering endpoint after endpoint holds one cover entry; a browser registered after still rides cover', async () => {
    fresh(13, 4);
    const { maxDelayMs } = WAKE_POLICIES.strict;
    // One mailbox, 200 subscriptions in turn; one device's KeyPackage target, 200 more.
    const insider = browser('strict');
    for (let i = 0; i < 200; i++) register({ ...insider, sub: push.subscribe() }, 'strict');
    const device: WakeOwner = 'device:insider';
    for (let i = 0; i < 200; i++) {
      const sub = push.subscribe();
      wakeUps.known({ endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, level: 'strict' }, device);
    }
    expect(wakeUps.covered).toBe(2);
    const victims = [browser('strict'), browser('strict')];
    expect(wakeUps.covered).toBe(4);
    const postedAt = clock.now();
    for (const v of victims) await post(v, 'later');
    expect(wakeUps.stats.riding).toBe(2);
    expect(wakeUps.stats.uncovered).toBe(0);
    await clock.advance(maxDelayMs);
    expect(victims.map((v) => times(v).filter((t) => t >= postedAt && t <= postedAt + maxDelayMs))).toEqual([[], []]);
    // And cover comes: the victims' timers run (strict: about four an hour).
    await clock.advance(3 * 3600 * SECOND);
    for (const v of victims) expect(times(v).length).toBeGreaterThan(0);
  });

  it('a mailbox that removes its target leaves its cover entry', async () => {
    fresh(14, 1);
    const b = browser('balanced');
    store.delete(b.mailbox);
    wakeUps.released(mailboxOwner(b.mailbox));
    expect(wakeUps.covered).toBe(0);
    expect(clock.pending).toBe(0);
    browser('balanced');
    expect(wakeUps.covered).toBe(1);
  });

  it('a push service that answers 410 to a cover wake-up gets no wake-up timed by a message after; a fresh registration brings cover back', async () => {
    fresh(15);
    const b = browser('strict');
    push.expire(b.sub);
    await clock.advance(3600 * SECOND);
    expect(wakeUps.stats.gone).toBe(1);
    // The vendor answers again, hoping the next message starts cover at its own time.
    push.revive(b.sub);
    const from = clock.now();
    for (let i = 0; i < 5; i++) {
      await post(b, 'later');
      await clock.advance(600 * SECOND);
    }
    await clock.advance(3 * 3600 * SECOND);
    expect(times(b).filter((t) => t >= from)).toEqual([]);
    expect(store.get(b.mailbox)).toBeUndefined();
    expect(clock.pending).toBe(0);
    // The device registers again: cover at the strict rate, and messages ride it.
    register(b, 'strict');
    await post(b, 'later');
    expect(wakeUps.stats.riding).toBe(1);
    await clock.advance(3 * 3600 * SECOND);
    expect(times(b).filter((t) => t >= from).length).toBeGreaterThan(0);
  });

  it('a call wakes at once, inside the window and while a message wake-up is due, and takes its place', async () => {
    fresh(3);
    const b = browser('strict');
    await post(b, 'later');
    const ringAt = clock.now();
    await post(b, 'now');
    expect(times(b)).toEqual([ringAt]);
    // The message's wake-up was due later; the ring's carried it, so none comes for it.
    await clock.advance(WAKE_POLICIES.strict.maxDelayMs);
    const afterRing = times(b).filter((t) => t > ringAt);
    // Only cover could wake it now (the strict rate: about one in 15 minutes).
    expect(afterRing.length).toBeLessThanOrEqual(1);
    const again = clock.now();
    await post(b, 'now');
    expect(times(b).at(-1)).toBe(again);
  });

  it('off: every post wakes at once, and there is no cover', async () => {
    fresh(4);
    const b = browser('off');
    await post(b, 'later');
    expect(times(b)).toEqual([clock.now()]);
    await clock.advance(24 * 3600 * SECOND);
    expect(times(b)).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('cover wake-ups come at the level\'s rate, the same size and headers as a real one', async () => {
    // Each wake-up is a real VAPID-signed request to the stand-in: a few simulated hours suffice.
    for (const [level, hours] of [['balanced', 24], ['strict', 6]] as const) {
      fresh(level === 'strict' ? 5 : 6);
      const browsers = Array.from({ length: 4 }, () => browser(level));
      const from = push.received.length;
      await clock.advance(hours * 3600 * SECOND);
      const expected = (browsers.length * WAKE_POLICIES[level].coverPerDay * hours) / 24;
      const got = browsers.reduce((n, b) => n + times(b).length, 0);
      console.log(`${level}: ${got} cover wake-ups for ${browsers.length} browsers in ${hours} simulated hours (expected ${expected})`);
      // Poisson: within about four standard deviations of the mean.
      expect(Math.abs(got - expected)).toBeLessThan(4 * Math.sqrt(expected));
      const covers = push.received.slice(from);
      expect(new Set(covers.map((p) => `${p.bodyLength} ${p.ttl} ${p.urgency} ${p.topic} ${p.vapidValid}`))).toEqual(new Set(['167 3600 high wake true']));
      await wakeUps.close();
    }
    fresh(7);
  });

  it('a browser the push service says is gone gets no more cover', async () => {
    fresh(8);
    const b = browser('strict');
    push.expire(b.sub);
    await clock.advance(3600 * SECOND);
    expect(times(b)).toEqual([]);
    expect(clock.pending).toBe(0);
    expect(store.get(b.mailbox)).toBeDefined();
  });
});

describe('the post says whether its wake-up may wait', () => {
  let relay: TestRelay;
  let relayClock: ManualClock;
  beforeAll(async () => {
    relayClock = new ManualClock();
    relay = await startTestRelay({ push: { endpoints: { hosts: [push.host], allowHttp: true }, timing: { clock: relayClock, random: seededRandom(9).next } } });
  });

  async function registered(level: WakeLevel): Promise<{ m: TestMailbox; sub: BrowserSubscription }> {
    const m = await createMailbox(relay.store);
    const sub = push.subscribe();
    const r = await fetch(`${relay.url}/v1/push/${m.id}`, {
      method: 'PUT',
      headers: { authorization: `Capability ${m.readCap.toString('hex')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sendCap: m.sendCap.toString('hex'), subscription: sub, level }),
    });
    expect(r.status).toBe(200);
    return { m, sub };
  }

  /** Wake-ups the stand-in got for `sub`, once `n` came (or after a short real wait for none). */
  async function wakesOf(sub: BrowserSubscription, n: number): Promise<number> {
    const id = sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);
    const count = (): number => push.received.filter((p) => p.subscription === id).length;
    for (let i = 0; i < (n === 0 ? 30 : 500) && count() < Math.max(n, 1); i++) await new Promise((r) => setTimeout(r, 10));
    return count();
  }

  it('HTTP: `Hardline-Wake: later` waits for the recipient\'s level; an unmarked post (a ring) wakes at once', async () => {
    const { m, sub } = await registered('strict');
    const later = await fetch(`${relay.url}/v1/post`, { method: 'POST', headers: { 'hardline-wake': 'later' }, body: new Uint8Array(postFrame(m, 'a message').frame) });
    expect(later.status).toBe(200);
    expect(await wakesOf(sub, 0)).toBe(0);
    // Left to the next cover wake-up: none of its own, even past the level's delay bound.
    await relayClock.advance(WAKE_POLICIES.strict.maxDelayMs);
    expect(await wakesOf(sub, 0)).toBe(0);
    expect((await call(relay.url, 'POST', '/v1/post', postFrame(m, 'ring').frame)).status).toBe(200);
    expect(await wakesOf(sub, 1)).toBe(1);
  });

  it('WebSocket: posts on `/v1/post?wake=later` wait; on `/v1/post` they do not', async () => {
    const { m, sub } = await registered('strict');
    const slow = await TestSocket.open(relay.url, '/v1/post?wake=later');
    slow.ws.send(postFrame(m, 'at a slot').frame);
    expect((await slow.binary())[0]).toBe(0);
    expect(await wakesOf(sub, 0)).toBe(0);
    const fast = await TestSocket.open(relay.url, '/v1/post');
    fast.ws.send(postFrame(m, 'ring').frame);
    expect((await fast.binary())[0]).toBe(0);
    expect(await wakesOf(sub, 1)).toBe(1);
    slow.ws.close();
    fast.ws.close();
  });
});

describe('an insider cannot fill the cover table through the routes', () => {
  let relay: TestRelay;
  let relayClock: ManualClock;
  beforeAll(async () => {
    relayClock = new ManualClock();
    const timing = { clock: relayClock, random: seededRandom(21).next, maxCovered: 3 };
    relay = await startTestRelay({ push: { endpoints: { hosts: [push.host], allowHttp: true }, timing } });
  });

  const idOf = (sub: BrowserSubscription): string => sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);
  const putMailbox = (m: TestMailbox, subscription: BrowserSubscription) =>
    fetch(`${relay.url}/v1/push/${m.id}`, {
      method: 'PUT',
      headers: { authorization: `Capability ${m.readCap.toString('hex')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sendCap: m.sendCap.toString('hex'), subscription, level: 'strict' }),
    });

  it('a session and a mailbox registering 60 endpoints each leave room: a victim registered after rides cover', async () => {
    const insider = await enrolDevice(relay.url, relay.adminToken, 'insider');
    const own = await createMailbox(relay.store);
    for (let i = 0; i < 60; i++) {
      expect((await call(relay.url, 'PUT', '/v1/push/keypackages', { subscription: push.subscribe(), level: 'strict' }, insider.token)).status).toBe(200);
      expect((await putMailbox(own, push.subscribe())).status).toBe(200);
    }
    const victim = await createMailbox(relay.store);
    const sub = push.subscribe();
    expect((await putMailbox(victim, sub)).status).toBe(200);
    const wakes = (): number[] => push.received.flatMap((p, i) => (p.subscription === idOf(sub) ? [i] : []));
    const r = await fetch(`${relay.url}/v1/post`, { method: 'POST', headers: { 'hardline-wake': 'later' }, body: new Uint8Array(postFrame(victim, 'a message').frame) });
    expect(r.status).toBe(200);
    // No wake-up of its own within the level's bound: left to cover...
    await relayClock.advance(WAKE_POLICIES.strict.maxDelayMs);
    await new Promise((res) => setTimeout(res, 200));
    expect(wakes()).toEqual([]);
    // ...which the victim has: its cover wake-ups come (strict: about four an hour).
    await relayClock.advance(3 * 3600 * SECOND);
    for (let i = 0; i < 300 && wakes().length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(wakes().length).toBeGreaterThan(0);
  });
});
