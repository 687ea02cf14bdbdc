/**
 * @module wakeUps
 * Sends Web Push wake-ups (RFC 8030) with VAPID (RFC 8292) and an RFC 8291 encrypted payload,
 * through the `web-push` library. A wake-up says nothing: every one carries the same fixed
 * payload, the same TTL, urgency and topic, whatever was posted and by whom, so the push
 * service learns only that this browser was woken, and when (docs/protocol.md §7).
 *
 * Wake-ups to one endpoint are coalesced: while one is on its way, any number of later posts
 * add at most one more, sent once it returns. The browser fetches its whole inbox on waking,
 * so the extra ones would say nothing new, only more precisely when mail arrived.
 */
import webpush from 'web-push';
import type { MailboxId } from '@hardline/protocol';
import type { WakeTarget } from './keyPackageWakeTargets.ts';
import { openPushTarget } from './pushTargetSeal.ts';
import type { PushTargetStore, VapidKeys } from './pushTargetStore.ts';

/** What the browser decrypts: constant, so its RFC 8291 record is always the same size. */
export const WAKE_PAYLOAD = Buffer.from('{"v":1,"wake":true}'.padEnd(64, ' '));
/** Long enough for a phone in a tunnel; a call's ring is stale long before, and says so on waking. */
export const WAKE_TTL_SECONDS = 3600;
/** RFC 8030 §5.4: one topic for all, so a push service keeps at most one undelivered wake-up per browser. */
export const WAKE_TOPIC = 'wake';
const SEND_TIMEOUT_MS = 10_000;

export type WakeStats = { sent: number; failed: number; gone: number; coalesced: number };

export class WakeUps {
  readonly #targets: PushTargetStore;
  readonly #vapid: VapidKeys;
  readonly #subject: string;
  /** Endpoints with a wake-up on its way; true when another is owed after it. */
  readonly #inFlight = new Map<string, boolean>();
  readonly #running = new Set<Promise<void>>();
  readonly stats: WakeStats = { sent: 0, failed: 0, gone: 0, coalesced: 0 };

  constructor(targets: PushTargetStore, subject: string) {
    this.#targets = targets;
    this.#vapid = targets.vapid;
    this.#subject = subject;
  }

  /** After an envelope is stored for a mailbox no open inbox is reading. Never throws. */
  wake(mailboxId: MailboxId, sendCap: Uint8Array): void {
    let sub: WakeTarget | undefined;
    try {
      const sealed = this.#targets.get(mailboxId);
      sub = sealed && openPushTarget(sendCap, mailboxId, sealed);
    } catch {
      // A damaged row or a closed file: the post is stored and must still be answered as such.
      this.stats.failed++;
      return;
    }
    if (!sub) return;
    if (this.#inFlight.has(sub.endpoint)) {
      this.#inFlight.set(sub.endpoint, true);
      this.stats.coalesced++;
      return;
    }
    this.#inFlight.set(sub.endpoint, false);
    const run = this.#deliver(mailboxId, sub).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #deliver(mailboxId: MailboxId, sub: WakeTarget): Promise<void> {
    try {
      for (;;) {
        await this.#send(mailboxId, sub);
        if (this.#inFlight.get(sub.endpoint) !== true) break;
        this.#inFlight.set(sub.endpoint, false);
      }
    } finally {
      this.#inFlight.delete(sub.endpoint);
    }
  }

  async #send(mailboxId: MailboxId, sub: WakeTarget): Promise<void> {
    try {
      const req = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, WAKE_PAYLOAD, {
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
        // RFC 8030 §7.3: the subscription is gone for good; so is this mailbox's target.
        this.#targets.delete(mailboxId);
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

  /** Waits for wake-ups on their way (at shutdown, and in tests). */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }
}
