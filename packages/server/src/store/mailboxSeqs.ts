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
 * Slots: each row's key in the table (`slot`, its rowid) runs on from a random base per
 * mailbox, so a mailbox's rows stand together in the table's b-tree, in the order of their
 * random bases, not in time order; and a commit that carries several envelopes for one mailbox
 * touches one leaf page, not one page per envelope (fully random slots cost the ring benchmark
 * about a fifth more CPU per message). Two bases are 2^62 apart on average; if a run ever meets
 * another mailbox's rows, the store asks for a new base (rebase).
 *
 * Eviction: a counter may be dropped only when no reader can hold a cursor on its mailbox,
 * i.e. no open inbox subscribes to it (ws/inboxHub.ts); a reader who subscribes later starts
 * from 0 and reads the stored rows, which the reseed covers. So the map is swept of unread
 * mailboxes when it passes its bound, and the counters of read mailboxes are kept however many
 * there are: they are bounded by the live subscriptions, which the connection limits bound.
 * (The other way, reseeding an evicted counter with a "safe jump", would need a relay-wide
 * floor, which puts a relay-wide number back on disk.)
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { MailboxId } from '@hardline/protocol';

/** Who may hold a cursor on a mailbox: ws/inboxHub.ts in a running relay. */
export type SeqReaders = { hasReader(mailboxId: MailboxId): boolean };

/** What a mailbox's next envelope gets: its seq, and its row's slot. */
export type NextRow = { seq: number; slot: bigint };

/** No reader at all: a store opened without a relay (the CLI, tests) serves none. */
const NO_READERS: SeqReaders = { hasReader: () => false };

/** Random seq bases stay far below 2^53, so a mailbox can count up for ever. */
const SEQ_BASE_RANGE = 2 ** 31;

/** A random slot base in [1, 2^62]: far from the ends of SQLite's signed 64-bit rowid. */
export function randomSlotBase(): bigint {
  return (randomBytes(8).readBigUInt64BE() >> 2n) + 1n;
}

export class MailboxSeqs {
  readonly #next = new Map<MailboxId, NextRow>();
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
   * What the mailbox's next envelope gets. `newestStored` (its row of highest seq, if any) is
   * asked only when this process has no counter for the mailbox.
   */
  peek(mailboxId: MailboxId, newestStored: () => { seq: number; slot: bigint } | undefined): Readonly<NextRow> {
    const known = this.#next.get(mailboxId);
    if (known !== undefined) return known;
    const newest = newestStored();
    const next = newest ? { seq: newest.seq + 1, slot: newest.slot + 1n } : { seq: randomInt(1, SEQ_BASE_RANGE), slot: randomSlotBase() };
    if (this.#next.size >= this.#sweepAt) this.#sweep();
    this.#next.set(mailboxId, next);
    return next;
  }

  /** The row from `peek` was inserted. */
  advance(mailboxId: MailboxId, used: Readonly<NextRow>): void {
    this.#next.set(mailboxId, { seq: used.seq + 1, slot: used.slot + 1n });
  }

  /** The mailbox's run of slots met another mailbox's rows: it goes on from a new base. */
  rebase(mailboxId: MailboxId): void {
    const known = this.#next.get(mailboxId);
    if (known) known.slot = randomSlotBase();
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
