/**
 * @module wakeUps
 * Sends Web Push wake-ups (RFC 8030) with VAPID (RFC 8292) and an RFC 8291 encrypted payload,
 * through the `web-push` library. A wake-up says nothing: every one carries the same fixed
 * payload, the same TTL, urgency and topic, whatever was posted and by whom, so the push
 * service learns only that this browser was woken, and when (docs/protocol.md §7).
 *
 * When, per the level the device declared (wakePolicy.ts, timed by wakeSchedule.ts): a post
 * its sender marked `later` (a message at a send-scheduler slot) wakes the browser after a
 * random delay and shares a wake-up already due; any other post (a call's signal, which must
 * ring now) wakes it at once; and every browser registered since the relay started gets cover
 * wake-ups at its level's rate. On top, wake-ups to one endpoint never overlap: while one is on
 * its way, more add at most one, sent once it returns.
 *
 * At `balanced` and `strict` a message gets no wake-up of its own: the next cover wake-up
 * carries it. Cover timers live in memory, one per endpoint, each held by its owners: the
 * device that set it for its KeyPackage mailboxes, or the mailboxes whose stored target it is.
 * An owner that registers another endpoint (or removes its target) leaves its old one, which
 * goes with its last owner: so the table is bounded by the targets really stored, and no
 * session fills it by registering endpoint after endpoint. Should it still be full
 * (MAX_COVERED), a message to a browser without cover gets no wake-up at all rather than one
 * timed by the message: that closed app learns of it when opened, or at a ring, which still
 * wakes at once. An endpoint the push service called gone (404/410) stays gone, even when
 * that answer came to a cover wake-up: a message for it sends nothing and deletes the
 * mailbox's target, until a device registers that endpoint afresh; otherwise the vendor could
 * turn cover off by answering 410 once and have every later wake-up follow a message.
 */
import webpush from 'web-push';
import type { MailboxId } from '@hardline/protocol';
import type { WakeTarget } from './keyPackageWakeTargets.ts';
import { openPushTarget } from './pushTargetSeal.ts';
import type { PushTargetStore, VapidKeys } from './pushTargetStore.ts';
import { ridesCover, WAKE_POLICIES } from './wakePolicy.ts';
import { WakeSchedule } from './wakeSchedule.ts';

/** What the browser decrypts: constant, so its RFC 8291 record is always the same size. */
export const WAKE_PAYLOAD = Buffer.from('{"v":1,"wake":true}'.padEnd(64, ' '));
/** Long enough for a phone in a tunnel; a call's ring is stale long before, and says so on waking. */
export const WAKE_TTL_SECONDS = 3600;
/** RFC 8030 §5.4: one topic for all, so a push service keeps at most one undelivered wake-up per browser. */
export const WAKE_TOPIC = 'wake';
const SEND_TIMEOUT_MS = 10_000;
/** Browsers kept for cover wake-ups (memory only); past this, messages to new ones wake nobody. */
const MAX_COVERED = 50_000;
/** Endpoints remembered as gone (memory only); the oldest is forgotten first. */
const MAX_GONE = 50_000;

/** Real time; tests pass a clock they advance themselves. */
export type WakeClock = { now(): number; after(ms: number, fn: () => void): () => void };

export const REAL_CLOCK: WakeClock = {
  now: () => Date.now(),
  after: (ms, fn) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** `now`: a call's signal (or an unmarked post); `later`: the sender let it wait (sendScheduler). */
export type PostWake = 'now' | 'later';

/**
 * `riding`: messages left to the browser's next cover wake-up (wakePolicy.ts); `uncovered`:
 * messages that would have ridden cover but the browser has none (the table was full), so no
 * wake-up at all.
 */
export type WakeStats = {
  sent: number;
  failed: number;
  gone: number;
  coalesced: number;
  delayed: number;
  cover: number;
  riding: number;
  uncovered: number;
};

/** Who holds a cover entry: a device's KeyPackage target, or a mailbox's stored target. */
export type WakeOwner = `device:${string}` | `mailbox:${string}`;
export const deviceOwner = (deviceId: string): WakeOwner => `device:${deviceId}`;
export const mailboxOwner = (mailboxId: MailboxId): WakeOwner => `mailbox:${mailboxId}`;

type Browser = { target: WakeTarget; owners: Set<WakeOwner>; cancelDue?: () => void; cancelCover?: () => void };

export class WakeUps {
  readonly #targets: PushTargetStore;
  readonly #vapid: VapidKeys;
  readonly #subject: string;
  readonly #clock: WakeClock;
  readonly #schedule: WakeSchedule;
  /** Endpoints with a wake-up on its way; true when another is owed after it. */
  readonly #inFlight = new Map<string, boolean>();
  readonly #running = new Set<Promise<void>>();
  /** Browsers seen since start, by endpoint: their due wake-up and cover timers. Memory only. */
  readonly #browsers = new Map<string, Browser>();
  /** Each owner's endpoint in #browsers: one per owner, so owners cannot pile up entries. */
  readonly #owned = new Map<WakeOwner, string>();
  /** Endpoints the push service called gone, in the order it did (memory only). */
  readonly #gone = new Set<string>();
  #closed = false;
  #toldFull = false;
  readonly stats: WakeStats = { sent: 0, failed: 0, gone: 0, coalesced: 0, delayed: 0, cover: 0, riding: 0, uncovered: 0 };

  readonly #maxCovered: number;
  readonly #log: (line: string) => void;

  /** `maxCovered`: tests lower it to reach the path for browsers past the bound. */
  constructor(
    targets: PushTargetStore,
    subject: string,
    opts: { clock?: WakeClock; random?: () => number; maxCovered?: number; log?: (line: string) => void } = {},
  ) {
    this.#maxCovered = opts.maxCovered ?? MAX_COVERED;
    this.#log = opts.log ?? (() => {});
    this.#targets = targets;
    this.#vapid = targets.vapid;
    this.#subject = subject;
    this.#clock = opts.clock ?? REAL_CLOCK;
    this.#schedule = new WakeSchedule(opts.random);
  }

  /** After an envelope is stored for a mailbox no open inbox is reading. Never throws. */
  wake(mailboxId: MailboxId, sendCap: Uint8Array, wake: PostWake = 'now'): void {
    if (this.#closed) return;
    let target: WakeTarget | undefined;
    try {
      const sealed = this.#targets.get(mailboxId);
      target = sealed && openPushTarget(sendCap, mailboxId, sealed);
    } catch {
      // A damaged row or a closed file: the post is stored and must still be answered as such.
      this.stats.failed++;
      return;
    }
    if (!target) return;
    if (this.#gone.has(target.endpoint)) {
      // The push service said so, maybe to a cover wake-up: a wake-up now would follow this message.
      this.#targets.delete(mailboxId);
      this.stats.gone++;
      return;
    }
    const browser = this.#browser(target, mailboxOwner(mailboxId));
    const policy = WAKE_POLICIES[target.level];
    if (ridesCover(policy, wake === 'now', browser?.cancelCover !== undefined)) {
      // The next cover wake-up reads the whole inbox; this message's time shows nowhere.
      this.stats.riding++;
      return;
    }
    if (wake === 'later' && policy.messagesRideCover) return this.#leftUncovered();
    const now = this.#clock.now();
    const at = this.#schedule.due(target.endpoint, policy, wake === 'now', now);
    if (at === undefined) {
      this.stats.coalesced++;
      return;
    }
    if (at <= now) return this.#dispatch(target, mailboxId);
    this.stats.delayed++;
    browser?.cancelDue?.();
    const fire = (): void => {
      if (this.#schedule.stillDue(target.endpoint, at)) this.#dispatch(target, mailboxId);
    };
    if (browser) browser.cancelDue = this.#clock.after(at - now, fire);
    else this.#clock.after(at - now, fire);
  }

  /**
   * A target `owner` registered: from now on it gets cover wake-ups at its level's rate, and
   * the owner leaves the endpoint it registered before. A fresh registration is also the only
   * thing that brings back an endpoint the push service called gone.
   */
  known(target: WakeTarget, owner: WakeOwner): void {
    if (this.#closed) return;
    this.#gone.delete(target.endpoint);
    this.#browser(target, owner);
  }

  /** `owner` removed its target: it leaves its endpoint's cover entry. */
  released(owner: WakeOwner): void {
    this.#leave(owner);
  }

  /** Cover entries held now: bounded by the owners' stored targets, and by MAX_COVERED. */
  get covered(): number {
    return this.#browsers.size;
  }

  /**
   * A message at a level whose messages ride cover, to a browser with no cover timer (the
   * table is full): no wake-up, since one of its own would be timed by the message.
   */
  #leftUncovered(): void {
    this.stats.uncovered++;
    if (this.#toldFull) return;
    this.#toldFull = true;
    this.#log(`push: ${this.#maxCovered} browsers have cover wake-ups, the most kept; closed apps past them are told of messages only when opened (calls still wake them)`);
  }

  #browser(target: WakeTarget, owner: WakeOwner): Browser | undefined {
    if (this.#owned.get(owner) !== target.endpoint) this.#leave(owner);
    let b = this.#browsers.get(target.endpoint);
    if (!b) {
      if (this.#browsers.size >= this.#maxCovered) return undefined;
      b = { target, owners: new Set() };
      this.#browsers.set(target.endpoint, b);
    } else if (b.target.level !== target.level) {
      // The level declared last wins; the cover rate follows it.
      b.cancelCover?.();
      b.cancelCover = undefined;
    }
    b.target = target;
    b.owners.add(owner);
    this.#owned.set(owner, target.endpoint);
    if (!b.cancelCover) this.#coverLater(b);
    return b;
  }

  /** The owner's entry loses it; one with no owner left has nobody's target behind it and goes. */
  #leave(owner: WakeOwner): void {
    const endpoint = this.#owned.get(owner);
    if (endpoint === undefined) return;
    this.#owned.delete(owner);
    const b = this.#browsers.get(endpoint);
    b?.owners.delete(owner);
    if (b && b.owners.size === 0) this.#forget(endpoint);
  }

  #coverLater(b: Browser): void {
    const gap = this.#schedule.coverGap(WAKE_POLICIES[b.target.level]);
    if (gap === undefined) return;
    b.cancelCover = this.#clock.after(gap, () => {
      b.cancelCover = undefined;
      if (this.#closed || this.#browsers.get(b.target.endpoint) !== b) return;
      this.stats.cover++;
      // Identical to any other wake-up; one due for a message goes with it.
      this.#dispatch(b.target, undefined);
      this.#coverLater(b);
    });
  }

  /** Sends now. `mailboxId`: the target to forget if the push service says it is gone. */
  #dispatch(target: WakeTarget, mailboxId: MailboxId | undefined): void {
    this.#schedule.sent(target.endpoint, this.#clock.now());
    const b = this.#browsers.get(target.endpoint);
    b?.cancelDue?.();
    if (b) b.cancelDue = undefined;
    if (this.#inFlight.has(target.endpoint)) {
      this.#inFlight.set(target.endpoint, true);
      this.stats.coalesced++;
      return;
    }
    this.#inFlight.set(target.endpoint, false);
    const run = this.#deliver(mailboxId, target).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #deliver(mailboxId: MailboxId | undefined, target: WakeTarget): Promise<void> {
    try {
      for (;;) {
        await this.#send(mailboxId, target);
        if (this.#inFlight.get(target.endpoint) !== true) break;
        this.#inFlight.set(target.endpoint, false);
      }
    } finally {
      this.#inFlight.delete(target.endpoint);
    }
  }

  async #send(mailboxId: MailboxId | undefined, target: WakeTarget): Promise<void> {
    try {
      const req = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, WAKE_PAYLOAD, {
        vapidDetails: { subject: this.#subject, publicKey: this.#vapid.publicKey, privateKey: this.#vapid.privateKey },
        TTL: WAKE_TTL_SECONDS,
        urgency: 'high',
        topic: WAKE_TOPIC,
        contentEncoding: 'aes128gcm',
      });
      const res = await fetch(req.endpoint, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.body ? new Uint8Array(req.body) : null,
        redirect: 'error',
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 404 || res.status === 410) {
        // RFC 8030 §7.3: the subscription is gone for good; so are this mailbox's target and its cover.
        if (mailboxId) this.#targets.delete(mailboxId);
        this.#markGone(target.endpoint);
        this.#forget(target.endpoint);
        this.stats.gone++;
      } else if (res.ok) {
        this.stats.sent++;
      } else {
        this.stats.failed++;
      }
    } catch {
      // A push service that is down or slow: counted, never logged with the endpoint.
      this.stats.failed++;
    }
  }

  /** Remembered so that the next message's wake-up does not bring the browser back (see top). */
  #markGone(endpoint: string): void {
    this.#gone.delete(endpoint);
    this.#gone.add(endpoint);
    if (this.#gone.size > MAX_GONE) this.#gone.delete(this.#gone.values().next().value!);
  }

  #forget(endpoint: string): void {
    const b = this.#browsers.get(endpoint);
    b?.cancelDue?.();
    b?.cancelCover?.();
    for (const owner of b?.owners ?? []) if (this.#owned.get(owner) === endpoint) this.#owned.delete(owner);
    this.#browsers.delete(endpoint);
    this.#schedule.forget(endpoint);
  }

  /** Waits for wake-ups on their way (at shutdown, and in tests). */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /**
   * At shutdown: a wake-up still waiting out its delay goes now rather than never (the
   * envelope would otherwise wait for the app to open); cover stops.
   */
  async close(): Promise<void> {
    for (const [endpoint, b] of this.#browsers) {
      b.cancelCover?.();
      if (b.cancelDue && this.#schedule.dueAt(endpoint) !== undefined) this.#dispatch(b.target, undefined);
    }
    this.#closed = true;
    this.#browsers.clear();
    this.#owned.clear();
    await this.settle();
  }
}
