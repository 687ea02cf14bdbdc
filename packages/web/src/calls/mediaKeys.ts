/**
 * @module calls/mediaKeys
 * Turns the conversation's MLS call keys into SFrame keys (RFC 9605 §5.2): one send key under
 * this device's KID, and one receive key per other member leaf. Every member derives every
 * sender's key from the epoch secret, so a call needs no key exchange of its own, and a new
 * epoch (a device joined, left or was removed) means new keys for everyone.
 */
import { sframe } from '@hardline/protocol';

export type CallKeyMaterial = {
  readonly epoch: bigint;
  readonly epochSecret: Uint8Array;
  readonly ownLeafIndex: number;
  readonly members: readonly { readonly leafIndex: number }[];
};

export type SFrameKeyEntry = { readonly kid: bigint; readonly key: Uint8Array };

export type MediaKeys = {
  readonly epoch: bigint;
  readonly send: SFrameKeyEntry;
  readonly receive: readonly SFrameKeyEntry[];
};

export type MediaKeyOptions = {
  /** Test hook: receive keys that cannot be right, so every incoming frame fails to decrypt. */
  readonly wrongReceiveKeys?: boolean;
};

export function mediaKeys(k: CallKeyMaterial, opts: MediaKeyOptions = {}): MediaKeys {
  const entry = (leaf: number): SFrameKeyEntry => ({ kid: sframe.mlsSenderKid(k.epoch, leaf), key: sframe.mlsSenderBaseKey(k.epochSecret, leaf) });
  const receive = k.members
    .filter((m) => m.leafIndex !== k.ownLeafIndex)
    .map((m) => entry(m.leafIndex))
    .map((e) => (opts.wrongReceiveKeys ? { kid: e.kid, key: e.key.map((b) => b ^ 0x5a) } : e));
  return { epoch: k.epoch, send: entry(k.ownLeafIndex), receive };
}
