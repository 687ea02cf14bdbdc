/**
 * @module calls/mediaKeys
 * Turns the conversation's MLS call keys into SFrame keys (RFC 9605 §5.2): one send key under
 * this device's KID, and one receive key per other member leaf. Every member derives every
 * sender's key from the epoch secret and the call id, so a call needs no key exchange of its
 * own; a new epoch (a device joined, left or was removed) means new keys for everyone, and a new
 * call means new keys too: each call's worker counts from 0, so two calls in one epoch must not
 * share a key (sframe/call-secret.ts).
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

/** `callId`: the id the caller drew for this call and sent in its ring (every signal carries it). */
export function mediaKeys(k: CallKeyMaterial, callId: string, opts: MediaKeyOptions = {}): MediaKeys {
  const callSecret = sframe.mlsCallSecret(k.epochSecret, callId);
  const entry = (leaf: number): SFrameKeyEntry => ({ kid: sframe.mlsSenderKid(k.epoch, leaf), key: sframe.mlsSenderBaseKey(callSecret, leaf) });
  const receive = k.members
    .filter((m) => m.leafIndex !== k.ownLeafIndex)
    .map((m) => entry(m.leafIndex))
    .map((e) => (opts.wrongReceiveKeys ? { kid: e.kid, key: e.key.map((b) => b ^ 0x5a) } : e));
  const keys = { epoch: k.epoch, send: entry(k.ownLeafIndex), receive };
  callSecret.fill(0);
  return keys;
}
