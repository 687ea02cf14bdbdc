/**
 * @module identity/identityKey
 * A person's identity key: one Ed25519 key pair per person, made on their first device and
 * shared with their other devices only over the end-to-end link handshake (linkHandshake.ts).
 * It certifies each of the person's device keys (deviceCertificate.ts) and signs revocations,
 * so the relay, which serves the directory, cannot put a device of its own under their name.
 * Safety numbers are computed from identity keys alone, so linking a device changes nothing.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64Url, toBase64Url, utf8 } from '../bytes.ts';
import { DecodeError } from '../errors.ts';

export type IdentityKeyPair = {
  /** base64url, 32 bytes */
  readonly publicKey: string;
  /** base64url, 32 bytes */
  readonly secretKey: string;
};

export function newIdentityKey(): IdentityKeyPair {
  const sk = ed25519.utils.randomSecretKey();
  return { publicKey: toBase64Url(ed25519.getPublicKey(sk)), secretKey: toBase64Url(sk) };
}

/** Signs `message` under a domain label, so a signature made for one purpose fits no other. */
export function identitySign(key: IdentityKeyPair, label: string, message: string): string {
  return toBase64Url(ed25519.sign(utf8.encode(`hardline/v1/${label}\n${message}`), fromBase64Url(key.secretKey, 32)));
}

export function identityVerify(publicKey: string, label: string, message: string, signature: string): boolean {
  try {
    const pub = fromBase64Url(publicKey, 32);
    const sig = fromBase64Url(signature, 64);
    if (pub.length !== 32 || sig.length !== 64) return false;
    return ed25519.verify(sig, utf8.encode(`hardline/v1/${label}\n${message}`), pub);
  } catch {
    return false;
  }
}

/**
 * Verdicts of isIdentityPublicKey, by key. The check decompresses a point (about 0.3 ms), and a
 * client re-vets every certificate of the directory on each refresh: with 200 people that was
 * most of a sync's CPU (the metadata benchmark's profile). A public key's verdict never changes.
 */
const identityKeyVerdicts = new Map<string, boolean>();
const MAX_VERDICTS = 8192;

export function isIdentityPublicKey(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 43) return false;
  const known = identityKeyVerdicts.get(v);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    ok = isUsableEd25519Key(fromBase64Url(v, 32));
  } catch {
    ok = false;
  }
  if (identityKeyVerdicts.size >= MAX_VERDICTS) identityKeyVerdicts.clear();
  identityKeyVerdicts.set(v, ok);
  return ok;
}

/**
 * A point on the curve outside the small-order subgroup. A small-order key (the all-zero one,
 * say) "verifies" forged signatures for a fraction of messages, so whoever presents one holds
 * no private key at all; such keys are refused wherever a key is registered.
 */
export function isUsableEd25519Key(key: Uint8Array): boolean {
  if (key.length !== 32) return false;
  try {
    return !ed25519.Point.fromBytes(key).isSmallOrder();
  } catch {
    return false;
  }
}

export function parseIdentityKeyPair(v: unknown): IdentityKeyPair {
  const k = v as Partial<IdentityKeyPair> | null;
  if (!k || !isIdentityPublicKey(k.publicKey) || typeof k.secretKey !== 'string') throw new DecodeError('identity key pair has an invalid shape');
  const sk = fromBase64Url(k.secretKey, 32);
  if (sk.length !== 32 || toBase64Url(ed25519.getPublicKey(sk)) !== k.publicKey) throw new DecodeError('identity secret key does not match its public key');
  return { publicKey: k.publicKey, secretKey: k.secretKey };
}
