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
 *
 * Its `ringing` and `decline` are anonymous posts, through the hop when the relay named one. The
 * worker asks the network for nothing it needs to send them: the hop is the one the page pinned
 * (session/pinnedHop.ts: not a hop the relay swapped in or withdrew that the person has not
 * accepted) and the hop's key config the one the page kept
 * (session/keptKeyConfig.ts), since a fetch from this address right before the post would name
 * the poster. Without both (the hop never announced to this device, or no fresh key config
 * kept) it fails closed: it still reads the inbox and shows the notification, but sends neither
 * `ringing` nor `decline`. The caller then rings on until someone answers or the ring times
 * out, as for a device that is off; the page, once opened, refreshes what was missing.
 */
/// <reference lib="webworker" />
import { ContactBookService, HardlineClient, signedIngressOf, type ReceivedControl } from '@hardline/client';
import { ackDelay } from '../calls/reachability.ts';
import { browserTransport } from '../platform/browserTransport.ts';
import { heldHopTransport } from '../platform/heldHopTransport.ts';
import { keyConfigTransport } from '../platform/keyConfigTransport.ts';
import { savedIngress, signedChoice } from '../session/announcedIngress.ts';
import { keptKeyConfig } from '../session/keptKeyConfig.ts';
import { HELD_HOP, NEVER_DECIDED } from '../session/pendingHop.ts';
import { forgetStateKey } from '../platform/encryptedKv.ts';
import { IdbStateStore } from '../platform/idbStateStore.ts';
import { DEVICE_LOCK, WORKER_LOCK } from '../platform/singleTab.ts';
import { previewsAllowed } from '../lock/previews.ts';
import { dropStatus, keepOneVisible } from './statusNotification.ts';
import { GENERIC_WAKE, notificationFor, ringingCall, wakeOutcome, type NotificationSpec } from './wakeNotification.ts';

declare const self: ServiceWorkerGlobalScope;

/** The engine as the worker opens it, and whether it may post anonymously now. */
type WorkerDevice = { readonly client: HardlineClient; readonly canPost: boolean };

/** Runs `fn` on the device's engine, or gives `undefined` when a tab has it (or none is enrolled). */
async function withDevice<T>(fn: (d: WorkerDevice) => Promise<T>): Promise<{ value: T } | undefined> {
  // The worker's own lock first, so a tab that finds the device taken knows to wait (singleTab.ts).
  return self.navigator.locks.request(WORKER_LOCK, () =>
    self.navigator.locks.request(DEVICE_LOCK, { ifAvailable: true }, async (lock) => {
      if (!lock) return undefined;
      // This worker outlives a wake-up, and the app may have re-sealed every record under fresh
      // keys since the last one: keys and slots remembered from then would be stale.
      forgetStateKey();
      const store = new IdbStateStore();
      const saved = await store.load();
      if (!saved) {
        // Signed out or wiped: nothing here can be woken for any more.
        await (await self.registration.pushManager.getSubscription())?.unsubscribe();
        return undefined;
      }
      // Its `ringing` and `decline` are posts like the app's: through the hop when there is one,
      // with what the page kept and nothing fetched now (see the top of this file).
      // The hop the security team signed, as the page reads it at start (session.ts resume): the
      // pin lags it until the page next runs, and this worker's own sync reads a new policy
      // into the state, never into the pin (wakeUp-signedHop-hostile.test.ts).
      const signed = signedIngressOf(saved);
      const hop = signed !== undefined ? signedChoice(signed) : await savedIngress();
      const origin = self.location.origin;
      const kept = keyConfigTransport(browserTransport, 'kept-only');
      // Unknown is not "no hop": a held hop that is never decided here, so nothing leaves.
      const transport = hop.from === 'unknown' ? heldHopTransport(kept, origin, NEVER_DECIDED, 0) : kept;
      const ingress = hop.from === 'unknown' ? HELD_HOP : hop.url;
      const canPost = hop.from !== 'unknown' && (!hop.url || (await keptKeyConfig()) !== undefined);
      const client = await HardlineClient.open({ store, transport, ...(ingress ? { ingress } : {}) });
      try {
        return { value: await fn({ client, canPost }) };
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
    ran = await withDevice(async ({ client, canPost }) => {
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
      // Nothing to send without a hop and key config kept by the page (fails closed, above).
      if (outcome.kind !== 'call' || outcome.acked || !canPost) return;
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
  await withDevice(async ({ client, canPost }) => {
    // Without a kept hop and key config the decline is not sent (the caller's ring times out),
    // yet the ring is still taken: the person said no, and the app must not ring again.
    if (canPost) await client.sendControl(conversationId, { t: 'call', id: randomId(), callId, op: 'decline', sentAt: new Date().toISOString() });
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
