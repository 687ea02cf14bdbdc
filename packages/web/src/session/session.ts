/**
 * @module session/session
 * One signed-in device: the engine, its listening loop, the web app's own state, and the
 * contact book. Screens read from it and call its actions; it tells them when to re-render.
 */
import { ContactBookService, HardlineClient, type BookDamage, type DirectoryUser, type Profile } from '@hardline/client';
import type { SafetyNumber } from '@hardline/protocol';
import { HardlineError } from '@hardline/protocol';
import { IdbStateStore } from '../platform/idbStateStore.ts';
import { reopenStorage } from '../platform/encryptedKv.ts';
import { contactBook, type ContactBook } from '../contacts/contactBookAdapter.ts';
import { loadMeta, MetaStore } from './appMeta.ts';
import { buildChats, type Chat } from './chatModel.ts';
import { absorb, due, MAX_RECEIPT_IDS } from './receipts.ts';
import { expiredMessages, expiredNotices } from './disappearing.ts';
import { SyncLoop, type LinkStatus } from './syncLoop.ts';
import { CallManager } from '../calls/callManager.ts';
import { PushWakeUps } from './pushWakeUps.ts';
import type { IngressChoice } from './announcedIngress.ts';
import type { HopChange } from './pinnedHop.ts';
import { LEGACY_HOP_CHANGE_KEPT } from './keptHopChange.ts';
import { enrolledHop, resumedHop, type OpeningHop } from './openingHop.ts';
import { PageHop } from './pageHop.ts';
import { SPLIT_VIEW_SEEN, TrustView, type SplitView } from './trustView.ts';
import { clearLocalFlags, WIPED_BY_LOCK } from './localFlags.ts';

const SIGNED_OUT_FLAG = 'hardline.signedOut';
/** The flags a wipe removes; the signed-out screen still needs SIGNED_OUT_FLAG and WIPED_BY_LOCK. */
const LOCAL_FLAGS = [SPLIT_VIEW_SEEN, LEGACY_HOP_CHANGE_KEPT];
const KEPT_AFTER_WIPE = [SIGNED_OUT_FLAG, WIPED_BY_LOCK];
const TICK_MS = 1_000;
/** How long a wipe waits for the engine's current round to end. */
const WIPE_WAIT_MS = 2_000;
/** Re-match the book against the directory this often (and whenever the directory changes). */
const RELINK_MS = 30_000;

function randomId(): string {
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function recoveryText(damaged: readonly BookDamage[]): string | undefined {
  if (damaged.length === 0) return undefined;
  return damaged.includes('keys')
    ? 'Part of this device’s saved contact book was damaged. It is being restored from your other devices; contacts that only this device held may be missing.'
    : 'Part of this device’s saved contact book was damaged. It is being restored from the encrypted copy your devices keep in sync.';
}

export type DeviceInfo = { deviceId: string; current: boolean; revoked: boolean };

export class Session {
  status: LinkStatus = 'connecting';
  revoked = false;
  /** Set once a sign-out's erasure has finished: until then the app must not say the data is gone. */
  erased = false;
  version = 0;
  private readonly listeners = new Set<() => void>();
  private readonly loop: SyncLoop;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking = false;
  readonly book: ContactBook;
  /** Voice calls (packages/web/src/calls); set before the loop starts. */
  calls!: CallManager;
  private bookSyncing = false;
  /** Set when a send could not reach the relay: own messages from then on wait in the outbox. */
  private queuedSince: string | undefined;
  private linkedAt = 0;
  private linkedDirectory = '';
  /** What this device found damaged in its saved state at start, and is rebuilding; shown once. */
  recovery: string | undefined;
  /** Web Push wake-ups: whether calls ring with the app closed, and why not. */
  readonly push = new PushWakeUps(() => this.emit());
  /** The ingress hop the engine's anonymous actions go through (pageHop.ts). */
  private readonly hop: PageHop;
  /** What the app tells the person about whom they are talking to (trustView.ts). */
  private readonly trust: TrustView;

  private constructor(
    readonly client: HardlineClient,
    /** The ingress hop the start found (announcedIngress.ts). */
    announced: IngressChoice,
    private readonly store: IdbStateStore,
    private readonly metaStore: MetaStore,
    private readonly bookService: ContactBookService,
  ) {
    this.hop = new PageHop(client, announced, () => this.emit());
    this.loop = new SyncLoop(client, {
      changed: () => this.emit(),
      status: (s) => {
        if (s !== this.status) {
          this.status = s;
          this.emit();
        }
      },
      revoked: () => void this.signedOut(),
      afterRound: () => this.afterRound(),
      control: (c) => {
        this.calls?.onControl(c);
        // A receipt or timer shows at once; the round's end persists it and takes it out.
        if (c.message.t === 'receipt' || c.message.t === 'timer') {
          absorb(this.client.conversations(), this.me, this.meta, Date.now());
          this.emit();
        }
      },
    });
    // A local edit pokes the loop, so the next round's book sync pushes it at once (syncLoop.ts poke).
    this.book = contactBook(bookService, (fn) => this.loop.exclusive(fn), () => this.loop.poke());
    this.book.onChange(() => this.emit());
    this.trust = new TrustView(client, this.book, () => this.version, () => this.emit());
  }

  /** The ingress hop the anonymous actions go through, for the settings to show: `unknown` while they wait. */
  get ingress(): IngressChoice {
    return this.hop.ingress;
  }

  /** The relay announces another hop, or none, than the one this device pinned (pinnedHop.ts). */
  get hopChange(): HopChange | undefined {
    return this.hop.change;
  }

  /** The person kept the pinned hop through this change: the notice shrinks to a line (pageHop.ts). */
  hopChangeKept(): boolean {
    return this.hop.changeKept();
  }

  keepPinnedHop(): void {
    this.hop.keepPinned();
  }

  /** The person accepts the relay's new announcement: it is pinned and used from now on (pageHop.ts). */
  acceptHopChange(): Promise<void> {
    return this.hop.acceptChange();
  }

  /** The device on this browser profile, if one is enrolled. */
  static async resume(): Promise<Session | undefined> {
    const store = new IdbStateStore();
    const saved = await store.load();
    if (!saved) return undefined;
    const opening = await resumedHop(saved);
    const client = await HardlineClient.open(opening.options(store));
    opening.opened(client);
    return Session.start(client, store, opening);
  }

  static async enrol(args: { code: string; handle: string; displayName: string }): Promise<Session> {
    // After a wipe in this page (signed out, then enrolled afresh) saving is allowed again.
    reopenStorage();
    const store = new IdbStateStore();
    const opening = await enrolledHop(args.code);
    const client = await HardlineClient.register(opening.options(store), { server: location.origin, ...args });
    opening.opened(client);
    localStorage.removeItem(SIGNED_OUT_FLAG);
    return Session.start(client, store, opening);
  }

  static wasSignedOut(): boolean {
    return localStorage.getItem(SIGNED_OUT_FLAG) === '1';
  }

  /** Erases an unreadable device state, so this browser can be enrolled or linked afresh. */
  static async eraseLocal(): Promise<void> {
    clearLocalFlags(LOCAL_FLAGS, KEPT_AFTER_WIPE);
    await new IdbStateStore().wipe();
  }

  static clearSignedOut(): void {
    localStorage.removeItem(SIGNED_OUT_FLAG);
  }

  private static async start(client: HardlineClient, store: IdbStateStore, opening: OpeningHop): Promise<Session> {
    const metaStore = new MetaStore(await loadMeta());
    const bookService = await ContactBookService.open(client);
    const s = new Session(client, opening.start, store, metaStore, bookService);
    await s.hop.open(opening);
    s.recovery = recoveryText(bookService.damaged);
    if (client.isRevoked()) {
      await s.signedOut();
      return s;
    }
    s.calls = await CallManager.open({ client, exclusive: (fn, opts) => s.loop.exclusive(fn, opts), subscribe: (cb) => s.subscribe(cb) });
    // Call signals the service worker read while the app was closed (sw/wakeUp.ts): a ring
    // still ringing rings here, one that ended shows as missed.
    for (const c of await client.takeControls((x) => x.message.t === 'call')) s.calls.onControl(c);
    s.loop.start();
    void s.push.refresh(client);
    s.timer = setInterval(() => void s.tick(), TICK_MS);
    addEventListener('online', s.onOnline);
    return s;
  }

  private readonly onOnline = () => {
    this.hop.poke();
    this.loop.poke();
  };

  subscribe(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(): void {
    this.version++;
    for (const cb of this.listeners) cb();
  }

  get me(): string {
    return this.client.handle;
  }

  get meta() {
    return this.metaStore.meta;
  }

  dismissRecovery(): void {
    this.recovery = undefined;
    this.emit();
  }

  // ---------- people ----------

  directory(): readonly DirectoryUser[] {
    return this.client.directory();
  }

  user(handle: string): DirectoryUser | undefined {
    return this.client.directory().find((u) => u.handle === handle);
  }

  // What the app tells the person about others' names and keys, and about the key log (trustView.ts).

  displayName(handle: string): string {
    return this.trust.displayName(handle);
  }

  keysChanged(handle: string): boolean {
    return this.trust.keysChanged(handle);
  }

  verified(handle: string): boolean {
    return this.trust.verified(handle);
  }

  verifiedButChanged(): string[] {
    return this.trust.verifiedButChanged();
  }

  unverifiableDevices(handle: string): number {
    return this.trust.unverifiableDevices(handle);
  }

  unsignedRevocations(handle: string): number {
    return this.trust.unsignedRevocations(handle);
  }

  notInLogDevices(handle: string): number {
    return this.trust.notInLogDevices(handle);
  }

  splitView(): SplitView | undefined {
    return this.trust.splitView();
  }

  splitViewDismissed(): boolean {
    return this.trust.splitViewDismissed();
  }

  dismissSplitView(): void {
    this.trust.dismissSplitView();
  }

  foreignLogEntries(): number {
    return this.trust.foreignLogEntries();
  }

  async acceptKeys(handle: string): Promise<void> {
    await this.loop.exclusive((c) => c.acknowledgeIdentity(handle));
    this.emit();
  }

  async markVerified(handle: string, digits: string): Promise<boolean> {
    const ok = await this.loop.exclusive((c) => c.verifyIdentity(handle, digits));
    this.emit();
    return ok;
  }

  async safetyNumber(handle: string): Promise<SafetyNumber | undefined> {
    return this.client.safetyNumber(handle);
  }

  // ---------- chats ----------

  chats(): Chat[] {
    if (this.queuedSince !== undefined && this.client.pendingOutbox() === 0) this.queuedSince = undefined;
    return buildChats(this.client.conversations(), this.me, this.meta, this.queuedSince);
  }

  unreadTotal(): number {
    return this.chats().reduce((n, c) => n + c.unread, 0);
  }

  async markRead(key: string): Promise<void> {
    const chat = this.chats().find((c) => c.key === key);
    const last = chat?.messages.filter((m) => !m.mine).at(-1)?.receivedAt;
    if (!last || (this.meta.readUpTo[key] ?? '') >= last) return;
    this.meta.readUpTo[key] = last;
    await this.metaStore.save();
    this.emit();
  }

  private target(key: string): string {
    if (key.startsWith('d:')) return key.slice(2);
    const conv = this.client.conversations().find((c) => `g:${c.id}` === key);
    if (!conv) throw new HardlineError('NOT_FOUND', 'that conversation is gone');
    return conv.roster.name;
  }

  /** Sends text; receipts this device owes in the same chat leave with it. */
  async send(key: string, text: string): Promise<void> {
    const to = this.target(key);
    const startedAt = new Date().toISOString();
    await this.loop.exclusive(async (c) => {
      try {
        await c.send(to, text, { sync: false });
      } catch (e) {
        if (c.pendingOutbox() > 0) this.queuedSince ??= startedAt;
        throw e;
      }
      // Messages that arrived in this round are not queued for receipts yet: queue them now, so
      // their receipt rides along with this reply instead of leaving later on its own.
      absorb(c.conversations(), this.me, this.meta, Date.now());
      const convIds = this.chats().find((ch) => ch.key === key)?.conversationIds ?? [];
      await this.sendReceipts(c, convIds.filter((id) => this.meta.pendingReceipts[id]));
    });
    if (key.startsWith('d:')) await this.book.markContacted(to).catch(() => undefined);
  }

  /** Commits the timer into each of the chat's conversations, so every device goes by it. */
  async setDisappearing(key: string, seconds: number): Promise<void> {
    const convIds = this.chats().find((c) => c.key === key)?.conversationIds ?? [];
    if (convIds.length === 0) throw new HardlineError('NOT_FOUND', 'send a first message before setting a timer');
    await this.loop.exclusive(async (c) => {
      for (const id of convIds) if (!c.conversation(id)?.left) await c.updateConversation(id, { timerSeconds: seconds });
      absorb(c.conversations(), this.me, this.meta, Date.now());
    });
    await this.metaStore.save();
    this.emit();
  }

  // ---------- groups ----------

  private groupId(key: string): string {
    const conv = key.startsWith('g:') ? this.client.conversation(key.slice(2)) : undefined;
    if (!conv || conv.left || conv.roster.kind !== 'group') throw new HardlineError('NOT_FOUND', 'that group is gone');
    return conv.id;
  }

  async renameGroup(key: string, name: string): Promise<void> {
    const id = this.groupId(key);
    await this.loop.exclusive((c) => c.updateConversation(id, { name }));
    this.emit();
  }

  async addToGroup(key: string, handle: string): Promise<void> {
    const id = this.groupId(key);
    await this.loop.exclusive((c) => c.groupAdd(c.conversation(id)!.roster.name, handle));
    this.emit();
  }

  async removeFromGroup(key: string, handle: string): Promise<void> {
    const id = this.groupId(key);
    await this.loop.exclusive((c) => c.groupRemove(c.conversation(id)!.roster.name, handle));
    this.emit();
  }

  async leaveGroup(key: string): Promise<void> {
    const id = this.groupId(key);
    await this.loop.exclusive((c) => c.leaveGroup(id));
    this.emit();
  }

  async createGroup(name: string, members: string[]): Promise<string> {
    const conv = await this.loop.exclusive((c) => c.groupCreate(name, members));
    return `g:${conv.id}`;
  }

  // ---------- profile ----------

  /** What this user published in the org directory, so that others' imported contacts match them. */
  profile(): { phone: string; email: string } {
    const u = this.user(this.me);
    return { phone: u?.phone ?? '', email: u?.email ?? '' };
  }

  async publishProfile(p: { phone: string; email: string }): Promise<Profile> {
    const phone = p.phone.replace(/[\s().-]/g, '');
    return this.loop.exclusive((c) => c.publishProfile({ phone: phone || null, email: p.email.trim() || null }));
  }

  // ---------- devices ----------

  devices(): Promise<DeviceInfo[]> {
    return this.loop.exclusive((c) => c.devices());
  }

  linkCode(): Promise<string> {
    return this.loop.exclusive((c) => c.createLinkCode());
  }

  async revokeDevice(deviceId: string): Promise<void> {
    await this.loop.exclusive((c) => c.revokeDevice(deviceId));
  }

  // ---------- background work ----------

  /** Under the engine lock, after each listening round. */
  private async afterRound(): Promise<void> {
    const c = this.client;
    absorb(c.conversations(), this.me, this.meta, Date.now());
    await this.metaStore.save();
    // Applied above (receipts, timers) or handled live by the call manager (call signals).
    await c.takeControls((x) => x.message.t === 'receipt' || x.message.t === 'timer');
    await c.takeControls((x) => x.message.t === 'call');
    // Conversations started since: their mailboxes get this browser's wake-up target too.
    void this.push.refresh(c);
    // Members' new devices join, revoked ones leave, even if nobody sends.
    for (const conv of c.conversations()) await c.reconcile(conv).catch(() => undefined);
    await this.syncBook();
    await this.metaStore.save();
  }

  /** Pull, merge and push the contact book; offline, the edits simply wait for the next round. */
  private async syncBook(): Promise<void> {
    if (this.bookSyncing) return;
    this.bookSyncing = true;
    try {
      await this.bookService.sync({ engine: false });
      const dir = this.client
        .directory()
        .map((u) => `${u.handle}|${u.phone ?? ''}|${u.email ?? ''}|${u.devices.filter((d) => !d.revoked).length}`)
        .join('\n');
      if (dir !== this.linkedDirectory || Date.now() - this.linkedAt > RELINK_MS) {
        await this.bookService.linkToDirectory();
        this.linkedDirectory = dir;
        this.linkedAt = Date.now();
      }
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'REVOKED') throw e;
    } finally {
      this.bookSyncing = false;
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.revoked) return;
    this.ticking = true;
    try {
      const now = Date.now();
      this.hop.followSigned();
      this.hop.refreshKeys(now);
      const receiptsDue = due(this.meta, now);
      const expired = this.expired(now);
      const notices = expiredNotices(this.meta, now);
      if (notices > 0) {
        await this.metaStore.save();
        this.emit();
      }
      if (receiptsDue.length === 0 && expired.size === 0) return;
      await this.loop.exclusive(async (c) => {
        absorb(c.conversations(), this.me, this.meta, now);
        await this.sendReceipts(c, due(this.meta, now));
        for (const [convId, ids] of this.expired(now)) {
          await c.forgetMessages(convId, ids);
          for (const id of ids) delete this.meta.delivered[id];
        }
      });
    } catch {
      // Offline or revoked: the loop reports it; receipts stay queued.
    } finally {
      this.ticking = false;
    }
  }

  private async sendReceipts(c: HardlineClient, convIds: readonly string[]): Promise<void> {
    for (const convId of convIds) {
      const p = this.meta.pendingReceipts[convId];
      const conv = c.conversations().find((x) => x.id === convId);
      if (!p || !conv || conv.left) {
        delete this.meta.pendingReceipts[convId];
        continue;
      }
      await c.sendControl(convId, { t: 'receipt', id: randomId(), ids: p.ids.slice(0, MAX_RECEIPT_IDS), sentAt: new Date().toISOString() });
      delete this.meta.pendingReceipts[convId];
    }
    await this.metaStore.save();
  }

  private expired(now: number): Map<string, string[]> {
    return expiredMessages(this.chats(), this.client.conversations(), now);
  }

  // ---------- signing out ----------

  /** Erases this device's local data, as a revoked device does (the app lock's wipe after failed unlocks). */
  wipe(): Promise<void> {
    return this.signedOut();
  }

  /** A revoked device forgets everything it held: keys, messages, contact book. */
  private async signedOut(): Promise<void> {
    if (this.revoked) return;
    this.revoked = true;
    this.loop.stop();
    this.hop.stop();
    if (this.timer) clearInterval(this.timer);
    removeEventListener('online', this.onOnline);
    this.client.close();
    localStorage.setItem(SIGNED_OUT_FLAG, '1');
    // Nothing else of this person's stays in clear storage; the flag above is for the signed-out screen.
    clearLocalFlags(LOCAL_FLAGS, KEPT_AFTER_WIPE);
    // A round still in flight saves the state and the app's meta when it ends: wiped before
    // that, they were written back, and a reload opened the "erased" device again
    // (test/e2e/web-app-lock.test.ts). Storage now refuses any save after the wipe
    // (platform/idb.ts), so this wait is only for a clean end, and short.
    await Promise.race([this.loop.exclusive(async () => undefined).catch(() => undefined), new Promise((r) => setTimeout(r, WIPE_WAIT_MS))]);
    // The keys go first (IdbStateStore.wipe), so what a failed delete leaves is unreadable; the
    // next start finishes the erasure (ui/App.tsx). Only the error's code is logged.
    await this.store.wipe().catch((e: unknown) => console.error('local data could not be erased', (e as { code?: string; name?: string } | null)?.code ?? (e as Error | null)?.name));
    this.erased = true;
    this.emit();
  }
}
