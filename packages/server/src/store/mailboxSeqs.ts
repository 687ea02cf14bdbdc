/**
 * @module mailboxSeqs
 * The next `seq` of each mailbox, in memory only. An envelope's seq counts within its mailbox
 * (docs/protocol.md §7, risk 6), so no number on disk orders envelopes of two mailboxes: a
 * relay-wide counter (AUTOINCREMENT) showed the order of arrival across mailboxes, and a group
 * message's fan-out at consecutive seqs. Nor is a counter kept on disk per mailbox: it would
 * show how many messages each mailbox ever got.
 *
 * What a seq must do: a reader's cursor is the last seq pushed to it (ws/inboxConnection.ts),
 * so a mailbox's seq may never go back while a reader could hold a cursor, even after the
 * newest envelope was acknowledged and deleted. MAX(seq) + 1 alone would reuse that seq, and
 * the reader would skip the next envelope. Hence this counter, which only goes up.
 *
 * Seeding: the first time this process touches a mailbox, from MAX(seq) of its stored rows,
 * which bounds every cursor: cursors live in memory and die with the process, and the only
 * cursors a new reader gets come from stored rows. An empty mailbox starts at a random base, so
 * seq values say nothing about how many messages a mailbox got, and the same fan-out does not
 * stand at equal seqs in the mailboxes of one conversation.
 *
 * Eviction: a counter may be dropped only when no reader can hold a cursor on its mailbox,
 * i.e. no open inbox subscribes to it (ws/inboxHub.ts); a reader who subscribes later starts
 * from 0 and reads the stored rows, which the reseed covers. So the map is swept of unread
 * mailboxes when it passes its bound, and the counters of read mailboxes are kept however many
 * there are: they are bounded by the live subscriptions, which the connection limits bound.
 * (The other way, reseeding an evicted counter with a "safe jump", would need a relay-wide
 * floor, which puts a relay-wide number back on disk.)
 */
import { randomInt } from 'node:crypto';
import type { MailboxId } from '@hardline/protocol';

/** Who may hold a cursor on a mailbox: ws/inboxHub.ts in a running relay. */
export type SeqReaders = { hasReader(mailboxId: MailboxId): boolean };

/** No reader at all: a store opened without a relay (the CLI, tests) serves none. */
const NO_READERS: SeqReaders = { hasReader: () => false };

/** Random bases stay far below 2^53, so a mailbox can count up for ever. */
const BASE_RANGE = 2 ** 31;

export class MailboxSeqs {
  readonly #next = new Map<MailboxId, number>();
  readonly #bound: number;
  #sweepAt: number;
  #readers: SeqReaders = NO_READERS;

  constructor(bound: number) {
    this.#bound = bound;
    this.#sweepAt = bound;
  }

  /** Set once the relay's hub exists; until then nothing can hold a cursor. */
  holdFor(readers: SeqReaders): void {
    this.#readers = readers;
  }

  /**
   * The seq the mailbox's next envelope gets. `storedMax` (MAX(seq) of its rows, 0 if none)
   * is asked only when this process has no counter for the mailbox.
   */
  peek(mailboxId: MailboxId, storedMax: () => number): number {
    const known = this.#next.get(mailboxId);
    if (known !== undefined) return known;
    const max = storedMax();
    const next = max > 0 ? max + 1 : randomInt(1, BASE_RANGE);
    if (this.#next.size >= this.#sweepAt) this.#sweep();
    this.#next.set(mailboxId, next);
    return next;
  }

  /** The seq from `peek` was used (the row was inserted). */
  advance(mailboxId: MailboxId, used: number): void {
    this.#next.set(mailboxId, used + 1);
  }

  get size(): number {
    return this.#next.size;
  }

  /** Drops every counter no reader depends on; if most are read, sweeps again only at twice the size. */
  #sweep(): void {
    for (const m of this.#next.keys()) if (!this.#readers.hasReader(m)) this.#next.delete(m);
    this.#sweepAt = Math.max(this.#bound, this.#next.size * 2);
  }
}
