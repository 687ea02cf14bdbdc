/**
 * @module calls/callHistory
 * The call log, kept on this device only and sealed like the rest of the app's state: who
 * called whom and when is exactly the metadata Hardline keeps off the relay.
 */
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';
import type { HistoryEntry } from './callState.ts';

const RECORD = 'calls';
const MAX_ENTRIES = 500;

type Stored = { v: 1; entries: HistoryEntry[] };

export class CallHistory {
  private writes: Promise<void> = Promise.resolve();
  private constructor(private entries: HistoryEntry[]) {}

  static async load(): Promise<CallHistory> {
    const s = await sealedGet<Stored>(RECORD).catch(() => undefined);
    return new CallHistory(s?.v === 1 && Array.isArray(s.entries) ? s.entries : []);
  }

  /** Newest first. */
  all(): readonly HistoryEntry[] {
    return this.entries;
  }

  forPeer(handle: string): HistoryEntry[] {
    return this.entries.filter((e) => e.peer === handle);
  }

  /** Adds an entry; a second entry for the same call (a late duplicate ring) is ignored. */
  add(e: HistoryEntry): boolean {
    if (this.entries.some((x) => x.callId === e.callId && x.peer === e.peer)) return false;
    this.entries = [e, ...this.entries].sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_ENTRIES);
    const snapshot: Stored = { v: 1, entries: this.entries };
    this.writes = this.writes.then(() => sealedPut(RECORD, snapshot)).catch(() => undefined);
    return true;
  }
}
