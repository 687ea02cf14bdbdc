/**
 * @module outbox
 * Envelopes waiting to be posted, kept in device state so that nothing sealed is lost to a
 * crash, a refusal or a relay that stopped answering. The send scheduler of issue 12 (posting
 * at times of the device's own choosing, with cover) belongs here, between `queue` and `flush`.
 */
import { decodeEnvelope, encodeEnvelope, fromBase64Url, fromHex, HardlineError, toBase64Url, type Envelope } from '@hardline/protocol';
import type { DeviceState, QueuedPost } from './deviceState.ts';
import type { PostSender } from './ingressPoster.ts';
import type { FlushSorting } from './readdressPosts.ts';
import { urgentBatch, wakesAtOnce, type QueueTag } from './urgentPosts.ts';

export type OutboxDeps = {
  readonly state: () => DeviceState;
  readonly poster: () => PostSender;
  /** Which failed posts stay queued, and which are re-sealed for a mailbox their device moved to. */
  readonly sortFailures: (batch: readonly QueuedPost[], results: readonly PromiseSettledResult<unknown>[]) => Promise<FlushSorting>;
  readonly save: () => Promise<void>;
};

/** `urgent`: only what must go now (urgentPosts.ts), not the whole outbox. */
export type FlushSlot = { readonly limit?: number; readonly poster?: PostSender; readonly wake?: 'now' | 'later'; readonly urgent?: boolean };

export class Outbox {
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: OutboxDeps) {}

  get pending(): number {
    return this.deps.state().outbox.length;
  }

  queue(to: { readonly sendCap: string }, envelope: Envelope, tag: QueueTag = {}): void {
    this.deps.state().outbox.push({
      sendCap: to.sendCap,
      envelope: toBase64Url(encodeEnvelope(envelope)),
      ...(tag.conversation !== undefined ? { conversation: tag.conversation } : {}),
      ...(tag.urgent ? { urgent: true as const } : {}),
    });
  }

  /** What waits, oldest first (the scheduler tells its callers when theirs have gone). */
  get entries(): readonly QueuedPost[] {
    return this.deps.state().outbox;
  }

  /** The oldest queued envelope: the send scheduler posts queued envelopes in order, one a slot. */
  get head(): QueuedPost | undefined {
    return this.deps.state().outbox[0];
  }

  /**
   * Posts queued envelopes (the first `limit` of them, on `poster` when given: a send slot
   * posts one on a connection of its own). On failure they stay queued and the error says so.
   * `wake: 'later'` (the send scheduler's posts) lets the relay delay the recipients' push
   * wake-ups by their privacy level; a flush without it (`send --now`) wakes them at once.
   * `urgent` (a call's signal, a commit) posts only the entries queued as urgent, which wake
   * their recipients at once, and the same conversations' earlier entries, marked `later`;
   * the rest waits for its slot (urgentPosts.ts says why).
   */
  flush(readdress = true, slot: FlushSlot = {}): Promise<number> {
    // One flush at a time: a scheduler slot and an immediate flush (call signalling, --now) that
    // overlapped would each rewrite the queue from their own snapshot and drop what the other kept.
    const run = this.running.then(() => this.flushNow(readdress, slot));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async flushNow(readdress: boolean, slot: FlushSlot): Promise<number> {
    const state = this.deps.state();
    if (state.outbox.length === 0) return 0;
    const batch = slot.urgent ? urgentBatch(state.outbox) : state.outbox.slice(0, slot.limit ?? state.outbox.length);
    if (batch.length === 0) return 0;
    const given = slot.poster ?? this.deps.poster();
    const later = given.later?.() ?? given;
    const posterFor = (p: QueuedPost) => (slot.wake === 'later' || (slot.urgent && !wakesAtOnce(p)) ? later : given);
    // All at once, even an urgent flush's two posters: a receiver keeps a message that arrives
    // before its commit, and decrypts one that arrives just after; what must not happen is an
    // earlier message overtaken by slots, again and again (urgentPosts.ts).
    const results = await Promise.allSettled(batch.map((p) => posterFor(p).post({ sendCap: fromHex(p.sendCap, 32), envelope: decodeEnvelope(fromBase64Url(p.envelope, 70_000)) })));
    // A recipient that moved mailboxes retired the old one: its envelopes go where it moved.
    const { failed, readdressed, error } = await this.deps.sortFailures(batch, results);
    // An urgent envelope that did not go now waits for a slot like the rest: left urgent, the
    // next urgent flush, which an insider can cause by ringing, would post it unmarked with its own.
    if (slot.urgent) for (const p of failed) delete p.urgent;
    const sent = new Set(batch);
    state.outbox = [...failed, ...readdressed, ...state.outbox.filter((p) => !sent.has(p))];
    await this.deps.save();
    if (readdress && readdressed.length > 0) return (await this.flushNow(false, slot)) + batch.length - failed.length - readdressed.length;
    if (error !== undefined) {
      const code = error instanceof HardlineError ? error.code : 'UNAVAILABLE';
      throw new HardlineError(code, `${failed.length} envelope(s) could not be posted and stay queued: ${error instanceof Error ? error.message : String(error)}`);
    }
    return batch.length;
  }
}
