/**
 * @module lock/appLock
 * The app lock (issue 13): after the inactivity timeout in force (lock/lockSettings.ts), and at
 * every start, the app shows only the lock screen until the passphrase is given. The session
 * keeps running underneath, so messages and calls still arrive; the screens that would show
 * them are not rendered at all while locked (ui/App.tsx), so nothing of them is in the DOM.
 *
 * A wrong passphrase is counted in the sealed lock record; at the policy's limit the device's
 * local data is erased through the same path a revoked device takes (Session.wipe). Failed
 * attempts are reported to the security team's briefing as a bare count (lock/unlockReport.ts).
 */
import type { Session } from '../session/session.ts';
import { loadLockRecord, NO_LOCK, saveLockRecord, type LockRecord } from './lockRecord.ts';
import { lockSettings, type LockSettings } from './lockSettings.ts';
import { makeVerifier, matches } from './passphrase.ts';
import { UnlockReporter } from './unlockReport.ts';
import { wipeKeys } from '../platform/encryptedKv.ts';
import { WIPED_BY_LOCK } from '../session/localFlags.ts';

export type LockView = 'open' | 'locked' | 'setup';
export type UnlockResult = { readonly ok: true } | { readonly ok: false; readonly failed: number; readonly left?: number; readonly wiped: boolean };

/** Set before a wipe, so the signed-out screen can say why the data is gone. */
export { WIPED_BY_LOCK };
const CHECK_MS = 1_000;
/** How long the last wrong passphrase's report may hold up the erasure. */
const REPORT_BEFORE_WIPE_MS = 3_000;
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

const locks = new WeakMap<Session, AppLock>();

/** The lock of this session (one per signed-in session, made at start). */
export function lockOf(session: Session): AppLock | undefined {
  return locks.get(session);
}

export class AppLock {
  private lastInput = Date.now();
  private locked: boolean;
  private busy = false;
  private readonly reporter = new UnlockReporter(
    () => this.session.client.relay(),
    () => this.record.unreported,
    (n) => this.save({ ...this.record, unreported: Math.max(0, this.record.unreported - n) }).catch(() => undefined),
  );
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];

  private constructor(
    private readonly session: Session,
    private record: LockRecord,
  ) {
    // At start (a reload too), a device with a lock in force opens locked.
    this.locked = this.settings().seconds > 0 && !!record.verifier;
  }

  static async open(session: Session): Promise<AppLock> {
    // An unreadable record reads as none: a policy that requires the lock then asks for a new
    // passphrase before anything shows (the device state itself did open, under the same key).
    const record = await loadLockRecord().catch(() => NO_LOCK);
    const lock = new AppLock(session, record);
    locks.set(session, lock);
    lock.start();
    return lock;
  }

  private start(): void {
    // A wipe the tab did not live to finish (its count is at the limit): finish it now.
    const { wipeAfter } = this.settings();
    if (wipeAfter > 0 && this.record.failed >= wipeAfter) {
      localStorage.setItem(WIPED_BY_LOCK, '1');
      void this.wipe();
      return;
    }
    for (const e of INPUT_EVENTS) addEventListener(e, this.onInput, { passive: true, capture: true });
    this.timer = setInterval(() => this.check(), CHECK_MS);
    // A policy that starts requiring the lock arrives through the session.
    this.unsubscribe.push(this.session.subscribe(() => this.emit()));
    // A ring shows on the lock screen (without a name): the call manager says when one starts.
    if (this.session.calls) this.unsubscribe.push(this.session.calls.subscribe(() => this.emit()));
    if (this.record.unreported > 0) void this.report();
  }

  stop(): void {
    for (const e of INPUT_EVENTS) removeEventListener(e, this.onInput, { capture: true });
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe.splice(0)) u();
    locks.delete(this.session);
  }

  private readonly onInput = () => {
    if (!this.locked) this.lastInput = Date.now();
  };

  subscribe(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(): void {
    for (const cb of this.listeners) cb();
  }

  settings(): LockSettings {
    return lockSettings(this.session.client.orgPolicy().capabilities, this.record.ownSeconds);
  }

  hasPassphrase(): boolean {
    return !!this.record.verifier;
  }

  /** What the app shows: itself, the lock screen, or the "choose a passphrase" screen the policy demands. */
  view(): LockView {
    if (this.locked) return 'locked';
    if (this.settings().required && !this.record.verifier) return 'setup';
    return 'open';
  }

  ownSeconds(): number {
    return this.record.ownSeconds;
  }

  failedAttempts(): number {
    return this.record.failed;
  }

  private check(): void {
    if (this.locked || this.session.revoked) return;
    const { seconds } = this.settings();
    if (seconds === 0 || !this.record.verifier) return;
    // A call in progress is use of the app, even with no touch for a long while.
    const phase = this.session.calls?.call?.phase;
    if (phase && phase !== 'incoming') this.lastInput = Date.now();
    if (Date.now() - this.lastInput >= seconds * 1000) this.lockNow();
  }

  lockNow(): void {
    if (!this.record.verifier || this.locked) return;
    this.locked = true;
    this.emit();
  }

  async setPassphrase(passphrase: string): Promise<void> {
    await this.save({ ...this.record, verifier: await makeVerifier(passphrase), failed: 0 });
    this.lastInput = Date.now();
    this.emit();
  }

  /** The user's own timeout (0: off); a policy timeout still applies. Needs a passphrase first. */
  async setOwnSeconds(seconds: number): Promise<void> {
    await this.save({ ...this.record, ownSeconds: seconds });
    this.lastInput = Date.now();
    this.emit();
  }

  async unlock(passphrase: string): Promise<UnlockResult> {
    const verifier = this.record.verifier;
    if (!this.locked || !verifier) return { ok: true };
    if (this.busy) return { ok: false, failed: this.record.failed, wiped: false };
    this.busy = true;
    try {
      if (await matches(passphrase, verifier)) {
        await this.save({ ...this.record, failed: 0 });
        this.locked = false;
        this.lastInput = Date.now();
        this.emit();
        // Wrong passphrases typed while offline are reported now.
        void this.report();
        return { ok: true };
      }
      const failed = this.record.failed + 1;
      // Counted on disk before anything else, so closing the tab now does not undo the attempt.
      await this.save({ ...this.record, failed, unreported: this.record.unreported + 1 });
      const { wipeAfter } = this.settings();
      if (wipeAfter > 0 && failed >= wipeAfter) {
        // The keys go first, before anything that could be stalled (the report: a blocked
        // relay) or cut short (a reload): from here the data is unreadable, and the next start
        // finishes the erasure (ui/App.tsx). Reloading during a slow wipe bought an attacker
        // a fresh guess each time, and the data stayed (review of the first version).
        localStorage.setItem(WIPED_BY_LOCK, '1');
        await wipeKeys();
        // Told to the briefing from what the session holds in memory, and never for long.
        await Promise.race([this.report(), new Promise((r) => setTimeout(r, REPORT_BEFORE_WIPE_MS))]);
        await this.wipe();
        return { ok: false, failed, left: 0, wiped: true };
      }
      void this.report();
      this.emit();
      return { ok: false, failed, ...(wipeAfter > 0 ? { left: wipeAfter - failed } : {}), wiped: false };
    } finally {
      this.busy = false;
    }
  }

  private async wipe(): Promise<void> {
    localStorage.setItem(WIPED_BY_LOCK, '1');
    this.stop();
    await this.session.wipe();
  }

  private report(): Promise<void> {
    return this.reporter.report();
  }

  private async save(next: LockRecord): Promise<void> {
    this.record = next;
    await saveLockRecord(next);
  }
}
