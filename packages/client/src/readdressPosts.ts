/**
 * @module readdressPosts
 * The sender's side of a mailbox move (mailboxRotation.ts). A device that moved retires its
 * old mailbox, and the relay then refuses posts there (NO_MAILBOX). An envelope this device
 * queued for it before hearing of the move is not lost: it is unsealed (the seal is this
 * conversation's, so the sender can open its own envelope) and sealed again to the mailbox the
 * current roster names for that device, or it waits until the commit that moved the device has
 * been processed here.
 */
import { decodeEnvelope, encodeEnvelope, fromBase64Url, HardlineError, openEnvelope, sealEnvelope, toBase64Url } from '@hardline/protocol';
import type { DeviceState, QueuedPost } from './deviceState.ts';
import type { SealKeys } from './sealKeys.ts';

export type FlushSorting = { failed: QueuedPost[]; readdressed: QueuedPost[]; error: unknown };

/**
 * Sorts a flush's refusals: NO_MAILBOX ones are readdressed, left to wait (where the device
 * went is not known yet) or dropped (the device is no longer in the conversation); the rest
 * stay queued as before, and `error` is the first reason to report.
 */
export async function sortFailures(state: DeviceState, seal: SealKeys, batch: readonly QueuedPost[], results: readonly PromiseSettledResult<unknown>[]): Promise<FlushSorting> {
  const out: FlushSorting = { failed: [], readdressed: [], error: undefined };
  for (const [i, post] of batch.entries()) {
    const r = results[i]!;
    if (r.status === 'fulfilled') continue;
    if (!(r.reason instanceof HardlineError && r.reason.code === 'NO_MAILBOX')) {
      out.failed.push(post);
      out.error ??= r.reason;
      continue;
    }
    const next = await readdress(state, seal, post);
    if (next === 'drop') continue;
    if (next !== 'wait') {
      out.readdressed.push(next);
      continue;
    }
    out.failed.push(post);
    out.error ??= new HardlineError('UNAVAILABLE', "the recipient's device moved to a new mailbox; the message goes there once this device learns where");
  }
  return out;
}

async function readdress(state: DeviceState, seal: SealKeys, post: QueuedPost): Promise<QueuedPost | 'wait' | 'drop'> {
  const env = decodeEnvelope(fromBase64Url(post.envelope, 70_000));
  const live = Object.values(state.conversations).filter((c) => !c.left);
  for (const c of live) {
    const move = [...(c.moved ?? [])].reverse().find((m) => m.from === env.mailboxId);
    if (!move) continue;
    const to = c.roster.devices.find((d) => d.deviceId === move.deviceId);
    if (!to || to.mailboxId === env.mailboxId) return 'drop';
    for (const secret of c.roster.sealSecrets) {
      const opened = await openEnvelope(await seal.conversation(secret, env.mailboxId), env).catch(() => undefined);
      if (!opened) continue;
      const key = await seal.conversation(c.roster.sealSecrets[0]!, to.mailboxId);
      const again = await sealEnvelope(key, to.mailboxId, env.envelopeId, opened.kind, opened.body);
      // Its queueing's tag goes with it: an urgent flush posts it again at once, or keeps its order.
      return { ...post, sendCap: to.sendCap, envelope: toBase64Url(encodeEnvelope(again)) };
    }
    return 'drop';
  }
  // Still where this device believes the recipient is: the commit moving it has not come yet.
  return live.some((c) => c.roster.devices.some((d) => d.mailboxId === env.mailboxId)) ? 'wait' : 'drop';
}
