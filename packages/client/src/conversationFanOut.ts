/**
 * @module conversationFanOut
 * One payload to every other device of a conversation: sealed for each device's mailbox under
 * the roster's newest seal secret, and queued in the outbox (nothing is posted here). Text,
 * controls, self messages and commits all leave this way; Welcomes do not (conversationSetup.ts
 * seals them to the claimed KeyPackage instead).
 */
import { randomBytes, sealEnvelope, toHex, type DeviceId, type Envelope, type EnvelopeId, type PayloadKind, type Roster } from '@hardline/protocol';
import type { Conversation, DeviceState } from './deviceState.ts';
import type { SealKeys } from './sealKeys.ts';
import type { QueueTag } from './urgentPosts.ts';

export type FanOutHost = {
  readonly state: DeviceState;
  readonly seal: SealKeys;
  queue(to: { readonly sendCap: string }, envelope: Envelope, tag: QueueTag): void;
};

/**
 * `roster` is the one whose devices receive it: a commit goes to the devices of the roster
 * before it, and `exclude` leaves out the devices it adds (they get a Welcome instead).
 * `urgent`: the caller flushes urgently next (a call's signal, a commit; urgentPosts.ts).
 */
export async function fanOut(host: FanOutHost, conv: Conversation, kind: PayloadKind, body: Uint8Array, roster: Roster = conv.roster, exclude: Set<DeviceId> = new Set(), urgent = false): Promise<void> {
  const secret = roster.sealSecrets[0]!;
  for (const d of roster.devices) {
    if (d.deviceId === host.state.deviceId || exclude.has(d.deviceId)) continue;
    const key = await host.seal.conversation(secret, d.mailboxId);
    host.queue(d, await sealEnvelope(key, d.mailboxId, newEnvelopeId(), kind, body), { conversation: conv.id, urgent });
  }
}

function newEnvelopeId(): EnvelopeId {
  return toHex(randomBytes(16)) as EnvelopeId;
}
