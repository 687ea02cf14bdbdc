/**
 * @module session/appMeta
 * What the web app remembers beside the engine's device state: read markers, delivery state,
 * receipts still owed, disappearing timers and the contact keys last seen. Sealed in IndexedDB
 * like the device state.
 */
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';

export type PendingReceipts = { ids: string[]; dueAt: number };

export type TimerNotice = { chatKey: string; id: string; from: string; seconds: number; at: string; receivedAt: string };

export type AppMeta = {
  v: 1;
  /** Chat key → ISO time up to which messages are read. */
  readUpTo: Record<string, string>;
  /** Own message id → delivered to at least one other user's device. */
  delivered: Record<string, true>;
  /** Conversation id → receipts not sent yet, and when they are due. */
  pendingReceipts: Record<string, PendingReceipts>;
  /** Received message ids already acknowledged (or queued), bounded. */
  receipted: string[];
  /** Chat key → disappearing-messages timer in seconds (0 = off), and when it was set. */
  disappear: Record<string, { seconds: number; setAt: string; id?: string }>;
  /** Timer changes, shown in the chat as notices (and subject to the timer like messages). */
  notices: TimerNotice[];
  /** Handle → fingerprint of the key set last accepted, and whether it has changed since. */
  contactKeys: Record<string, { accepted: string; current: string }>;
};

const MAX_RECEIPTED = 5_000;

export function emptyMeta(): AppMeta {
  return { v: 1, readUpTo: {}, delivered: {}, pendingReceipts: {}, receipted: [], disappear: {}, notices: [], contactKeys: {} };
}

export async function loadMeta(): Promise<AppMeta> {
  const m = await sealedGet<AppMeta>('app').catch(() => undefined);
  return m && m.v === 1 ? { ...emptyMeta(), ...m } : emptyMeta();
}

export class MetaStore {
  private writes: Promise<void> = Promise.resolve();
  constructor(readonly meta: AppMeta) {}

  save(): Promise<void> {
    if (this.meta.receipted.length > MAX_RECEIPTED) this.meta.receipted = this.meta.receipted.slice(-MAX_RECEIPTED);
    const json = JSON.parse(JSON.stringify(this.meta)) as AppMeta;
    const next = this.writes.then(() => sealedPut('app', json));
    this.writes = next.catch(() => undefined);
    return next;
  }
}
