/**
 * When the relay wakes a browser, played from the push provider's side (issue 14): the
 * stand-in records every wake-up per subscription, on a clock the test moves (no real waiting,
 * no timing bounds on a loaded machine). At `balanced` and `strict` a message gets no wake-up
 * of its own: the wake-ups a browser gets are the same, to the millisecond, whether or not
 * anyone wrote to it (the next cover wake-up carries the message). For a browser the relay
 * keeps no cover timer for, a message's wake-up comes at a random moment within the level's
 * bound and carries every message posted before it; the next comes no sooner than the
 * coalescing window. A call's comes at once, whatever is due; and cover wake-ups come at the
 * level's rate, looking like any other.
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
import { WakeUps, type PostWake } from '../src/push/wakeUps.ts';
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

/** `uncovered`: the relay keeps no cover timer for any browser (as past MAX_COVERED). */
function fresh(seed: number, uncovered = false): void {
  seen = new Map();
  clock = new ManualClock(() => wakeUps.settle());
  wakeUps = new WakeUps(store, 'mailto:ops@example.org', { clock, random: seededRandom(seed).next, ...(uncovered ? { maxCovered: 0 } : {}) });
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
  const target = { endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, level };
  store.put(mailbox, sealPushTarget(sendCap, mailbox, target));
  wakeUps.known(target);
  return { sub, id: sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1), mailbox, sendCap };
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

  it('a browser without cover: a message wakes within the delay bound, once for a burst, at spread-out moments', async () => {
    fresh(1, true);
    const bound = WAKE_POLICIES.balanced.maxDelayMs;
    const browsers = Array.from({ length: 20 }, () => browser('balanced'));
    const start = clock.now();
    for (let i = 0; i < 5; i++) {
      for (const b of browsers) await post(b, 'later');
      await clock.advance(SECOND);
    }
    // Nothing went at the post: the vendor cannot line a wake-up up with the sender's upload.
    expect(browsers.filter((b) => times(b).some((t) => t === start))).toEqual([]);
    await clock.advance(bound);
    const first = browsers.map((b) => times(b)[0]);
    expect(first.every((t) => t !== undefined && t > start && t <= start + bound)).toBe(true);
    // Five messages each, one wake-up each (a cover wake-up in the span would be a second).
    const extra = browsers.reduce((n, b) => n + times(b).length - 1, 0);
    expect(extra).toBeLessThanOrEqual(1);
    // Spread over the bound, not a fixed delay that would still line up with the post.
    const delays = first.map((t) => t! - start).sort((a, b) => a - b);
    expect(delays.at(-1)! - delays[0]!).toBeGreaterThan(bound / 2);
  });

  it('a browser without cover: the next message wake-up waits out the coalescing window', async () => {
    fresh(2, true);
    const { coalesceMs, maxDelayMs } = WAKE_POLICIES.balanced;
    const b = browser('balanced');
    await post(b, 'later');
    await clock.advance(maxDelayMs);
    const [woke] = times(b);
    expect(woke).toBeDefined();
    await clock.advance(5 * SECOND);
    const postedAt = clock.now();
    await post(b, 'later');
    await clock.advance(coalesceMs + maxDelayMs);
    const next = times(b).filter((t) => t > woke!);
    expect(next).toHaveLength(1);
    expect(next[0]).toBeGreaterThanOrEqual(woke! + coalesceMs);
    expect(next[0]).toBeLessThanOrEqual(postedAt + coalesceMs + maxDelayMs);
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
