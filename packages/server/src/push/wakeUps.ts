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
/** Browsers kept for cover wake-ups (memory only); past this, new ones get real wake-ups only. */
const MAX_COVERED = 50_000;

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

/** `riding`: messages left to the browser's next cover wake-up (wakePolicy.ts). */
export type WakeStats = { sent: number; failed: number; gone: number; coalesced: number; delayed: number; cover: number; riding: number };

type Browser = { target: WakeTarget; cancelDue?: () => void; cancelCover?: () => void };

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
  #closed = false;
  readonly stats: WakeStats = { sent: 0, failed: 0, gone: 0, coalesced: 0, delayed: 0, cover: 0, riding: 0 };

  readonly #maxCovered: number;

  /** `maxCovered`: tests lower it to reach the path for browsers past the bound. */
  constructor(targets: PushTargetStore, subject: string, opts: { clock?: WakeClock; random?: () => number; maxCovered?: number } = {}) {
    this.#maxCovered = opts.maxCovered ?? MAX_COVERED;
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
    const browser = this.#browser(target);
    const policy = WAKE_POLICIES[target.level];
    if (ridesCover(policy, wake === 'now', browser?.cancelCover !== undefined)) {
      // The next cover wake-up reads the whole inbox; this message's time shows nowhere.
      this.stats.riding++;
      return;
    }
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

  /** A target its device registered: from now on it gets cover wake-ups at its level's rate. */
  known(target: WakeTarget): void {
    if (!this.#closed) this.#browser(target);
  }

  #browser(target: WakeTarget): Browser | undefined {
    let b = this.#browsers.get(target.endpoint);
    if (!b) {
      if (this.#browsers.size >= this.#maxCovered) return undefined;
      b = { target };
      this.#browsers.set(target.endpoint, b);
    } else if (b.target.level !== target.level) {
      // The level declared last wins; the cover rate follows it.
      b.cancelCover?.();
      b.cancelCover = undefined;
    }
    b.target = target;
    if (!b.cancelCover) this.#coverLater(b);
    return b;
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

  #forget(endpoint: string): void {
    const b = this.#browsers.get(endpoint);
    b?.cancelDue?.();
    b?.cancelCover?.();
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
    await this.settle();
  }
}
