/**
 * @module coverTraffic
 * A cover envelope: what the send scheduler posts in a slot when nothing real waits.
 *
 * Where it goes, and why: into this device's own mailbox of one of its conversations (picked at
 * random), sealed with that conversation's seal key like any message, with the sealed kind
 * COVER. To the relay it is an anonymous post, on a fresh connection, of a padded size real
 * messages have, into a mailbox that receives real messages: nothing tells it apart. This
 * device's reader unseals it, sees COVER and drops it before MLS (processConversationEnvelope),
 * so it never shows. No claim is spent: a separate cover mailbox would have cost a claim token,
 * and a mailbox that only ever received cover would stand out by that alone. What remains is
 * documented in docs/protocol.md §7: without the ingress hop a relay that sees source addresses
 * sees a device post into a mailbox it reads itself (so do real notes-to-self).
 */
import { PayloadKind, randomBytes, sealEnvelope, SEAL_OVERHEAD, toHex, type Envelope, type EnvelopeId } from '@hardline/protocol';
import type { DeviceState } from './deviceState.ts';
import type { SealKeys } from './sealKeys.ts';

/** The padded size most real texts take (a short text with its MLS framing fills the 1 KiB bucket). */
export const COVER_BUCKET = 1024;

export type CoverPost = { readonly sendCap: string; readonly envelope: Envelope };

export async function coverEnvelope(state: DeviceState, seal: SealKeys, bucket = COVER_BUCKET): Promise<CoverPost | undefined> {
  const own = Object.values(state.conversations)
    .filter((c) => !c.left)
    .flatMap((c) => {
      const me = c.roster.devices.find((d) => d.deviceId === state.deviceId);
      const secret = c.roster.sealSecrets[0];
      return me && secret ? [{ me, secret }] : [];
    });
  if (own.length === 0) return undefined;
  const { me, secret } = own[Math.floor(Math.random() * own.length)]!;
  // A length that lands in the bucket (bigger than the one below it), random within it.
  const below = bucket / 4;
  const length = below - SEAL_OVERHEAD + 1 + Math.floor(Math.random() * (bucket - below));
  const key = await seal.conversation(secret, me.mailboxId);
  return { sendCap: me.sendCap, envelope: await sealEnvelope(key, me.mailboxId, toHex(randomBytes(16)) as EnvelopeId, PayloadKind.COVER, randomBytes(length)) };
}
