/**
 * @module transparency/treeHead
 * A signed tree head: "my log had `treeSize` entries with root `rootHash` at `timestamp`",
 * signed by the relay's Ed25519 log key (RFC 9162 §4.10 in spirit, our own encoding). The
 * signature is the relay's commitment: two heads of one size with different roots, or two heads
 * that no consistency proof joins, are evidence that the relay showed different logs.
 *
 * Signed bytes: "hardline/v1/tree-head\n" || u64 treeSize || u64 timestamp || rootHash, the
 * label keeping the signature from passing for any other message the key could sign.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64Url, toBase64Url, toHex, utf8 } from '../bytes.ts';
import { DecodeError, ValidationError } from '../errors.ts';
import { isIdentityPublicKey, isUsableEd25519Key } from '../identity/identityKey.ts';
import { HASH_SIZE } from './merkleHash.ts';

export type SignedTreeHead = {
  readonly v: 1;
  readonly treeSize: number;
  /** base64url, 32 bytes. */
  readonly rootHash: string;
  /** Milliseconds since the epoch, as the relay's clock said. */
  readonly timestamp: number;
  /** base64url, 64 bytes. */
  readonly signature: string;
};

const LABEL = utf8.encode('hardline/v1/tree-head\n');

function signedBytes(h: Omit<SignedTreeHead, 'signature'>): Uint8Array {
  const out = new Uint8Array(LABEL.length + 16 + HASH_SIZE);
  out.set(LABEL, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(LABEL.length, BigInt(h.treeSize));
  view.setBigUint64(LABEL.length + 8, BigInt(h.timestamp));
  out.set(fromBase64Url(h.rootHash, HASH_SIZE), LABEL.length + 16);
  return out;
}

export function newLogKey(): { publicKey: string; secretKey: string } {
  const sk = ed25519.utils.randomSecretKey();
  return { publicKey: toBase64Url(ed25519.getPublicKey(sk)), secretKey: toBase64Url(sk) };
}

export function logPublicKey(secretKey: string): string {
  return toBase64Url(ed25519.getPublicKey(fromBase64Url(secretKey, 32)));
}

/**
 * The log key's fingerprint: 128 bits of SHA-256 (hex), as the org key's (org/orgKey.ts), so an
 * invite can name it and a new device pins the log the security team saw, not whatever the relay
 * names at first contact.
 */
export function logKeyFingerprint(publicKey: string): string {
  if (!isLogPublicKey(publicKey)) throw new ValidationError('not a key-transparency log public key');
  return toHex(sha256(fromBase64Url(publicKey, 32))).slice(0, 32);
}

/**
 * Shape and curve check of a log public key (base64url, 32 bytes), as named in gossip or by the
 * relay. Canonical only (no '+' or '/', no stray bits in the last character), so that two strings
 * name the same key exactly when they are equal, which is how log keys are compared.
 */
export function isLogPublicKey(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v) && isIdentityPublicKey(v) && toBase64Url(fromBase64Url(v, 32)) === v;
}

export function signTreeHead(secretKey: string, head: { treeSize: number; rootHash: Uint8Array; timestamp: number }): SignedTreeHead {
  const body = { v: 1 as const, treeSize: head.treeSize, rootHash: toBase64Url(head.rootHash), timestamp: head.timestamp };
  return { ...body, signature: toBase64Url(ed25519.sign(signedBytes(body), fromBase64Url(secretKey, 32))) };
}

/** True only if `head` is signed by the log key `publicKey` (base64url). */
export function verifyTreeHead(head: SignedTreeHead, publicKey: string): boolean {
  try {
    const pub = fromBase64Url(publicKey, 32);
    const sig = fromBase64Url(head.signature, 64);
    if (!isUsableEd25519Key(pub) || sig.length !== 64) return false;
    const { signature: _, ...body } = head;
    return ed25519.verify(sig, signedBytes(body), pub);
  } catch {
    return false;
  }
}

/** Shape only, for heads from the relay or from a peer's message; the signature is `verifyTreeHead`'s. */
export function parseTreeHead(v: unknown): SignedTreeHead {
  const h = v as Partial<SignedTreeHead> | null;
  const ok =
    h !== null &&
    typeof h === 'object' &&
    h.v === 1 &&
    Number.isSafeInteger(h.treeSize) &&
    (h.treeSize as number) >= 0 &&
    typeof h.rootHash === 'string' &&
    h.rootHash.length === 43 &&
    Number.isSafeInteger(h.timestamp) &&
    (h.timestamp as number) >= 0 &&
    typeof h.signature === 'string' &&
    h.signature.length === 86;
  if (!ok) throw new DecodeError('signed tree head has an invalid shape');
  try {
    if (fromBase64Url(h.rootHash!, HASH_SIZE).length !== HASH_SIZE) throw new Error('length');
  } catch (cause) {
    throw new DecodeError('signed tree head has an invalid root hash', { cause });
  }
  return { v: 1, treeSize: h.treeSize!, rootHash: h.rootHash!, timestamp: h.timestamp!, signature: h.signature! };
}
