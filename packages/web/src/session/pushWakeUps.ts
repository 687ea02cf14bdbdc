/**
 * @module session/pushWakeUps
 * Asks the browser for a Web Push subscription and registers it with the relay as the wake-up
 * target of each of this device's conversation mailboxes (`PUT /v1/push/:mailboxId`, with the
 * mailbox's read capability and no session: the relay learns "wake whoever reads this
 * mailbox", never which account or device), and of its KeyPackage mailboxes, which exist only
 * once someone starts a conversation with it (`PUT /v1/push/keypackages`, with the session:
 * the relay keeps that one in memory, docs/protocol.md §6). Each declares the device's privacy
 * level, which sets how the relay times its wake-ups. Without a subscription the app still
 * works, and says that calls ring only while it is open.
 */
import type { HardlineClient } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';

export type PushStatus =
  /** Wake-ups registered: calls ring with the app closed. */
  | 'on'
  | 'checking'
  /** The organisation turned vendor push off (`hardline server --no-push`). */
  | 'off-by-org'
  /** No service worker or Push API here (or the worker is not running). */
  | 'unsupported'
  /** Notifications were refused for this site. */
  | 'denied'
  /** The browser could not subscribe (no vendor push service reachable, say). */
  | 'failed';

/** What the app says when calls cannot ring with it closed; undefined when they can. */
export function pushNotice(status: PushStatus): string | undefined {
  const base = 'Calls ring only while Hardline is open';
  switch (status) {
    case 'on':
    case 'checking':
      return undefined;
    case 'off-by-org':
      return `${base}: your organisation has turned off notifications through the browser's push service.`;
    case 'denied':
      return `${base}: notifications are blocked for this site.`;
    case 'unsupported':
      return `${base}: this browser cannot wake it.`;
    case 'failed':
      return `${base}: this browser could not set up notifications.`;
  }
}

const RETRY_MS = 10 * 60_000;
const WORKER_WAIT_MS = 5_000;

/** Read afresh each time: it changes under us when the browser asks the person. */
const permission = (): NotificationPermission => Notification.permission;

function urlBase64ToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

function sameKey(sub: PushSubscription, key: Uint8Array): boolean {
  const had = sub.options.applicationServerKey;
  if (!had) return false;
  const a = new Uint8Array(had);
  return a.length === key.length && a.every((x, i) => x === key[i]);
}

export class PushWakeUps {
  status: PushStatus = 'checking';
  /** `endpoint|level|mailboxId` already registered in this page's life. */
  private readonly registered = new Set<string>();
  /** `endpoint|level` of the KeyPackage target, and when to set it again (a relay restart drops it). */
  private keyPackageTarget = { key: '', dueAt: 0 };
  private subscription: PushSubscription | undefined;
  /** A failed or refused subscription is tried again only this long after (rounds run every few seconds). */
  private retryAt = 0;

  constructor(private readonly changed: () => void) {}

  private set(s: PushStatus): PushStatus {
    if (s !== this.status) {
      this.status = s;
      this.changed();
    }
    return s;
  }

  /** Subscribes if need be, then registers mailboxes not yet registered. Never throws. */
  async refresh(client: HardlineClient): Promise<PushStatus> {
    try {
      if (!this.subscription) {
        if (Date.now() < this.retryAt) return this.status;
        this.retryAt = Date.now() + RETRY_MS;
        const got = await this.subscribe(client);
        if (typeof got === 'string') return this.set(got);
        this.subscription = got;
      }
    } catch {
      // The relay unreachable, or the browser failing oddly: try again soon.
      this.retryAt = Date.now() + 30_000;
      return this.set('failed');
    }
    // Offline or refused registrations stay unregistered and go again next round.
    const off = await this.register(client, this.subscription).catch(() => false);
    return this.set(off ? 'off-by-org' : 'on');
  }

  private async subscribe(client: HardlineClient): Promise<PushSubscription | PushStatus> {
    // Through the engine, not the page's bare fetch, like every call below: see register.
    const info = await client.relay().request<{ enabled?: boolean; vapidPublicKey?: string }>('GET', '/v1/push');
    if (!info.enabled || !info.vapidPublicKey) return 'off-by-org';
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
    // The worker registers at load (main.tsx); wait for it a little, not forever (it may be blocked).
    const reg = await Promise.race([navigator.serviceWorker.ready, new Promise<undefined>((r) => setTimeout(() => r(undefined), WORKER_WAIT_MS))]);
    if (!reg) return 'unsupported';
    if (permission() === 'denied') return 'denied';
    const key = urlBase64ToBytes(info.vapidPublicKey);
    let sub = await reg.pushManager.getSubscription();
    // A relay that was set up again has a new VAPID key: a subscription made for the old one is useless.
    if (sub && !sameKey(sub, key)) {
      await sub.unsubscribe();
      sub = null;
    }
    try {
      return sub ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
    } catch {
      // subscribe() may have asked, and been refused.
      return permission() === 'denied' ? 'denied' : 'failed';
    }
  }

  /** True when the relay says push was turned off since the subscription was made. */
  private async register(client: HardlineClient, sub: PushSubscription): Promise<boolean> {
    const json = sub.toJSON();
    const subscription = { endpoint: json.endpoint, keys: json.keys };
    const level = client.privacyLevel();
    if (await this.registerKeyPackages(client, `${sub.endpoint}|${level}`, { subscription, level })) return true;
    for (const conv of client.conversations()) {
      if (conv.left) continue;
      const mine = conv.roster.devices.find((d) => d.deviceId === client.deviceId && d.mailboxId === conv.mailbox.id);
      const key = `${sub.endpoint}|${level}|${conv.mailbox.id}`;
      if (!mine || this.registered.has(key)) continue;
      // Through the engine's relay API, not the page's bare fetch: both ride the page's
      // connection to the relay, the one that carries this device's session, but only the
      // engine's is watched (sessionWatch.ts). Unseen, a registration did not count as a session
      // request, so a reconcile's commit-lock request (afterRound starts it while this loop
      // still runs) could follow one by milliseconds and be paired with the device.
      try {
        await client.relay().request('PUT', `/v1/push/${conv.mailbox.id}`, { sendCap: mine.sendCap, subscription, level }, { capability: conv.mailbox.readCap });
        this.registered.add(key);
      } catch (e) {
        if (e instanceof HardlineError && e.code === 'FORBIDDEN') return true;
        // Offline or refused: unregistered, it goes again next round.
      }
    }
    return false;
  }

  /** True when the relay says push is off. Set again every RETRY_MS: the relay keeps it in memory only. */
  private async registerKeyPackages(client: HardlineClient, key: string, body: object): Promise<boolean> {
    if (this.keyPackageTarget.key === key && Date.now() < this.keyPackageTarget.dueAt) return false;
    try {
      await client.relay().request('PUT', '/v1/push/keypackages', body, 'session');
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'FORBIDDEN') return true;
      return false;
    }
    this.keyPackageTarget = { key, dueAt: Date.now() + RETRY_MS };
    return false;
  }
}
