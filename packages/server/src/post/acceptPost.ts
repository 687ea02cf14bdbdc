/**
 * @module acceptPost
 * The anonymous posting path, shared by `POST /v1/post` and `WS /v1/post`. It checks only the
 * send capability: no session, no device, so the relay learns nothing about who posts.
 * Resolves once the envelope is durable (or was already), and only then pushes it to readers.
 * A mailbox holds at most `maxMailboxEnvelopes` / `maxMailboxBytes` not yet acknowledged
 * (MAILBOX_FULL past them), and nothing is stored while the disk is under its floor (DISK_FULL).
 * `wake`: whether the sender let the recipient's wake-up wait (push/wakeUps.ts): `later` from
 * a send-scheduler slot, `now` otherwise (a call's signal must ring at once). The same flag
 * says whether a push to an open inbox may wait for the relay's next round (ws/pushRounds.ts).
 */
import { decodePostFrame, type EnvelopeId } from '@hardline/protocol';
import { timingSafeEqual } from 'node:crypto';
import { BoundedCache } from '../boundedCache.ts';
import { capabilityMatches } from '../capabilityBytes.ts';
import { RelayError } from '../errors/relayError.ts';
import { observe, type RelayContext } from '../relayContext.ts';
import { isRetired } from '../store/relayStore.ts';
import type { PostSeries } from '../store/postSeries.ts';
import type { PostWake } from '../push/wakeUps.ts';

/**
 * `series`: given by `WS /v1/post` only, one per socket, so that no commit holds two of its
 * posts (store/postSeries.ts). `POST /v1/post` needs none: an anonymous call has a connection of
 * its own (http/oneCallConnections.ts), so a series would never hold a second post. Nor do posts
 * through the OHTTP gateway: the hop's connection carries everyone behind the hop, and keying
 * by it would queue them all behind one another, a commit (an fsync and a checkpoint) each,
 * while one person's posts through the hop already come one at a time, each after the answer
 * to the last (client ingressPoster.ts), so they never share a commit anyway.
 */
export async function acceptPost(ctx: RelayContext, frame: Uint8Array, conn: number, wake: PostWake = 'now', series?: PostSeries): Promise<EnvelopeId> {
  const { sendCap, envelope } = decodePostFrame(frame);
  const mailbox = await ctx.store.getMailbox(envelope.mailboxId);
  // Before the capability cache: a retired mailbox's old send capability must not match from memory.
  if (!mailbox || isRetired(mailbox)) throw new RelayError('NO_MAILBOX', 'no such mailbox');
  if (!sendCapVerified(ctx, envelope.mailboxId, sendCap, mailbox.sendCapHash)) throw new RelayError('BAD_CAPABILITY', 'send capability does not match');
  await ctx.disk.requireRoom();
  const bytes = frame.subarray(32);
  const { maxMailboxEnvelopes: maxEnvelopes, maxMailboxBytes: maxBytes } = ctx.limits;
  const result = await ctx.store.putEnvelope(envelope.mailboxId, envelope.envelopeId, bytes, ctx.now(), { maxEnvelopes, maxBytes }, series);
  // Refused whole: what the mailbox holds stays, and the sender keeps this one queued.
  if (result.status === 'full') throw new RelayError('MAILBOX_FULL', 'this mailbox is full until its reader picks up its envelopes; keep the envelope and post it again later');
  if (ctx.observer) observe(ctx, { kind: 'post', conn, mailboxId: envelope.mailboxId, size: frame.length });
  if (result.status === 'stored') {
    ctx.hub.envelopeStored(envelope.mailboxId, result.seq, bytes, wake);
    // Only a mailbox nobody reads now: an open app needs no wake-up, and the vendor no signal.
    if (ctx.push && !ctx.hub.hasReader(envelope.mailboxId)) ctx.push.wakeUps.wake(envelope.mailboxId, sendCap, wake);
  }
  return envelope.envelopeId;
}

/**
 * Capabilities that already matched their hash, in memory only: a sender posts many envelopes
 * with the same capability, and hashing each one cost ~7% of the relay's CPU at full load.
 * A presented capability is still compared in constant time.
 */
const verified = new WeakMap<RelayContext, BoundedCache<string, Buffer>>();
const MAX_VERIFIED = 100_000;

function sendCapVerified(ctx: RelayContext, mailboxId: string, cap: Uint8Array, storedHash: Uint8Array): boolean {
  let known = verified.get(ctx);
  if (!known) verified.set(ctx, (known = new BoundedCache(MAX_VERIFIED)));
  const hit = known.get(mailboxId);
  if (hit && hit.length === cap.length && timingSafeEqual(hit, cap)) return true;
  if (!capabilityMatches(cap, storedHash)) return false;
  known.set(mailboxId, Buffer.from(cap));
  return true;
}
