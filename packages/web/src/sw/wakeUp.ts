/**
 * @module sw/wakeUp
 * What the service worker does when a push wakes it with the app closed: it runs the engine
 * for a moment on the device's own saved state (the same IndexedDB, the same non-extractable
 * key), reads and decrypts the inbox, and shows the notification itself: the caller's name
 * with Accept and Decline, or who wrote. For a ring it also sends this device's `ringing`,
 * so the caller hears "Ringing…" for a closed app too (calls/reachability.ts).
 *
 * It takes the same Web Lock as an open tab (platform/singleTab.ts): two engines on one state
 * would overwrite each other. When a tab holds it, the open app rings by itself.
 */
/// <reference lib="webworker" />
import { ContactBookService, HardlineClient, type ReceivedControl } from '@hardline/client';
import { ackDelay } from '../calls/reachability.ts';
import { browserTransport } from '../platform/browserTransport.ts';
import { announcedIngress } from '../session/announcedIngress.ts';
import { forgetStateKey } from '../platform/encryptedKv.ts';
import { IdbStateStore } from '../platform/idbStateStore.ts';
import { DEVICE_LOCK, WORKER_LOCK } from '../platform/singleTab.ts';
import { previewsAllowed } from '../lock/previews.ts';
import { dropStatus, keepOneVisible } from './statusNotification.ts';
import { GENERIC_WAKE, notificationFor, ringingCall, wakeOutcome, type NotificationSpec } from './wakeNotification.ts';

declare const self: ServiceWorkerGlobalScope;

/** Runs `fn` on the device's engine, or gives `undefined` when a tab has it (or none is enrolled). */
async function withDevice<T>(fn: (c: HardlineClient) => Promise<T>): Promise<{ value: T } | undefined> {
  // The worker's own lock first, so a tab that finds the device taken knows to wait (singleTab.ts).
  return self.navigator.locks.request(WORKER_LOCK, () =>
    self.navigator.locks.request(DEVICE_LOCK, { ifAvailable: true }, async (lock) => {
      if (!lock) return undefined;
      // This worker outlives a wake-up, and the app may have re-sealed every record under fresh
      // keys since the last one: keys and slots remembered from then would be stale.
      forgetStateKey();
      const store = new IdbStateStore();
      if (!(await store.load())) {
        // Signed out or wiped: nothing here can be woken for any more.
        await (await self.registration.pushManager.getSubscription())?.unsubscribe();
        return undefined;
      }
      // Its `ringing` and `decline` are posts like the app's: through the hop when there is one.
      const hop = await announcedIngress(self.location.origin);
      const client = await HardlineClient.open({ store, transport: browserTransport, ...(hop.url ? { ingress: hop.url } : {}) });
      try {
        return { value: await fn(client) };
      } finally {
        client.close();
      }
    }),
  );
}

function allControls(c: HardlineClient): ReceivedControl[] {
  return c.conversations().flatMap((conv) => conv.controls ?? []);
}

/** The name this device knows the person by: its contact book, else the directory, else the handle. */
async function nameResolver(c: HardlineClient): Promise<(handle: string) => string> {
  // Read from the saved book only; the worker never syncs it.
  const book = await ContactBookService.open(c)
    .then((b) => b.list())
    .catch(() => []);
  return (handle) => book.find((e) => e.hardlineHandle === handle)?.name || c.directory().find((u) => u.handle === handle)?.displayName || handle;
}

function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function show(spec: NotificationSpec): Promise<void> {
  await self.registration.showNotification(spec.title, spec.options);
}

/** Closes call notifications whose ring has ended (a cancel woke us, or another device answered). */
async function closeEndedCalls(ringing: string | undefined): Promise<void> {
  for (const n of await self.registration.getNotifications()) {
    const d = n.data as { kind?: string; callId?: string } | undefined;
    if (d?.kind === 'call' && d.callId !== ringing) n.close();
  }
}

export async function handleWake(): Promise<void> {
  let ran: { value: void } | undefined;
  try {
    ran = await withDevice(async (client) => {
      const messages = await client.sync({ waitMs: 0 });
      const me = client.handle;
      // Previews off: the book is not even opened, no name is looked up.
      const previews = previewsAllowed(client.orgPolicy().capabilities);
      const nameOf = previews ? await nameResolver(client) : () => '';
      const outcome = wakeOutcome(allControls(client), messages, me, Date.now());
      await closeEndedCalls(outcome.kind === 'call' ? outcome.callId : undefined);
      const spec = notificationFor(outcome, nameOf, previews);
      // Every push must leave a notification (sw/statusNotification.ts): cover wake-ups too.
      if (spec) await show(spec).then(() => dropStatus(self.registration));
      else await keepOneVisible(self.registration);
      if (outcome.kind !== 'call' || outcome.acked) return;
      // As an open app does: wait a little, look again, and ack only a ring still ringing that
      // no other device of mine has acked (docs/protocol.md §6 "Is anyone there?").
      await new Promise((r) => setTimeout(r, ackDelay(Math.random())));
      await client.sync({ waitMs: 0 });
      const still = ringingCall(allControls(client), me, Date.now());
      if (!still || still.callId !== outcome.callId) return void (await closeEndedCalls(still?.callId));
      if (still.acked) return;
      await client.sendControl(still.conversationId, { t: 'call', id: randomId(), callId: still.callId, op: 'ringing', sentAt: new Date().toISOString() });
    });
  } catch {
    ran = undefined;
  }
  if (ran) return;
  // The device is busy in a tab. A visible one has its inbox open and rings by itself (the relay
  // woke us in a race); otherwise say that something came, without knowing what.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (!windows.some((w) => w.visibilityState === 'visible')) await show(GENERIC_WAKE);
}

/** Decline from the notification: sent from here, and the ring taken so the app will not ring again. */
export async function declineFromNotification(conversationId: string, callId: string): Promise<void> {
  await withDevice(async (client) => {
    await client.sendControl(conversationId, { t: 'call', id: randomId(), callId, op: 'decline', sentAt: new Date().toISOString() });
    await client.takeControls((c) => c.message.t === 'call' && c.message.callId === callId);
  });
}

/** Accept (or a tap): the app, focused if open, with the call to answer in its address. */
export async function openApp(answerCallId?: string): Promise<void> {
  const url = answerCallId ? `/#answer=${answerCallId}` : '/';
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows[0];
  if (open) {
    await open.focus();
    if (answerCallId) open.postMessage({ type: 'hardline-answer', callId: answerCallId });
    return;
  }
  await self.clients.openWindow(url);
}
