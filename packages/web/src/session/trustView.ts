/**
 * @module session/trustView
 * What the app tells the person about whom they are talking to, read from the engine: names
 * shown with their handle when they look like another's (confusableNames.ts), identity keys
 * verified or changed (trustRules.ts), devices the relay listed that no identity key certified,
 * and the key log's warnings (a split view, entries under one's own name). Read-only, but for
 * the split-view alert the person closed. The session owns one and delegates to it.
 */
import type { HardlineClient } from '@hardline/client';
import type { ContactBook } from '../contacts/contactBookAdapter.ts';
import { confusableHandles } from './confusableNames.ts';

/** Where the split-view alert the person closed is kept; a wipe removes it. */
export const SPLIT_VIEW_SEEN = 'hardline.splitViewSeen';

export type SplitView = { from?: string; detectedAt: string; reason: 'forked-log' | 'different-log-key' };

export class TrustView {
  private confusableAt = -1;
  private confusableSet = new Set<string>();

  constructor(
    private readonly client: HardlineClient,
    private readonly book: ContactBook,
    /** The session's render count: look-alike names are worked out once per render. */
    private readonly version: () => number,
    /** The person closed the split-view alert: the page re-renders. */
    private readonly changed: () => void,
  ) {}

  /** The name shown for a person, with their handle beside it when it looks like another's. */
  displayName(handle: string): string {
    const name = this.plainName(handle);
    return this.confusable().has(handle) ? `${name} (@${handle})` : name;
  }

  private plainName(handle: string): string {
    const entry = this.book.list().find((e) => e.hardlineHandle === handle);
    return entry?.name || this.client.directory().find((u) => u.handle === handle)?.displayName || handle;
  }

  private confusable(): Set<string> {
    if (this.confusableAt !== this.version()) {
      this.confusableSet = confusableHandles(this.client.directory().map((u) => ({ handle: u.handle, name: this.plainName(u.handle) })));
      this.confusableAt = this.version();
    }
    return this.confusableSet;
  }

  /** The person's identity key changed (trustRules.ts): sending to them waits for acceptKeys. */
  keysChanged(handle: string): boolean {
    return this.client.identityOf(handle)?.changedTo !== undefined;
  }

  /** The user compared safety numbers with this person. */
  verified(handle: string): boolean {
    const pin = this.client.identityOf(handle);
    return pin?.verified === true && pin.changedTo === undefined;
  }

  /** A person the user had verified now shows another identity key: the app blocks on this. */
  verifiedButChanged(): string[] {
    return this.client
      .directory()
      .map((u) => u.handle)
      .filter((h) => h !== this.client.handle && this.client.identityOf(h)?.verified === true && this.keysChanged(h));
  }

  /** Devices listed under a person that their identity key did not certify (never sent to). */
  unverifiableDevices(handle: string): number {
    return this.client.unverifiableDevices().filter((d) => d.handle === handle).length;
  }

  /** Devices of a person the relay calls revoked with no signed revocation: still sent to. */
  unsignedRevocations(handle: string): number {
    return this.client.unsignedRevocations().filter((d) => d.handle === handle).length;
  }

  /** Of those, the ones whose key the relay cannot prove is in its key log: hidden from auditors. */
  notInLogDevices(handle: string): number {
    return this.client.unverifiableDevices().filter((d) => d.handle === handle && d.reason === 'not-in-log').length;
  }

  /** The relay showed this device and a peer different key logs (keyTransparency.ts): it is lying to someone. */
  splitView(): SplitView | undefined {
    const report = this.client.splitView();
    return report && { ...(report.from ? { from: report.from } : {}), detectedAt: report.detectedAt, reason: report.reason ?? 'forked-log' };
  }

  /**
   * The split-view alert the user closed, kept by when it was detected: a new detection blocks
   * again, but the same one does not block at every start (a banner stays), so that the alert is
   * read rather than dismissed by habit. Holds only a time, nothing about anyone.
   */
  splitViewDismissed(): boolean {
    const report = this.client.splitView();
    return !!report && report.detectedAt === localStorage.getItem(SPLIT_VIEW_SEEN);
  }

  dismissSplitView(): void {
    const report = this.client.splitView();
    if (report) localStorage.setItem(SPLIT_VIEW_SEEN, report.detectedAt);
    this.changed();
  }

  /** Entries under one's own name in the relay's key log that one's identity key did not make (logMonitor.ts). */
  foreignLogEntries(): number {
    return this.client.foreignLogEntries().length;
  }
}
