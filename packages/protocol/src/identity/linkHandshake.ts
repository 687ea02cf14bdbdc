/**
 * @module identity/linkHandshake
 * Linking a device without trusting the relay. The existing device makes a 128-bit link secret
 * and shows it in the link code beside the relay's one-time code (`RELAYCODE.secret`, in a QR
 * code or typed); the relay only ever sees the part before the dot. The two devices meet at an
 * opaque blob whose id, capability and encryption key all derive from the secret:
 *
 * 1. the new device enrols with the relay's code, then writes a request sealed under the secret:
 *    its handle, device id and device key;
 * 2. the existing device opens it, checks that the directory lists that device with that key
 *    under its own handle, certifies it with the identity key, and writes back the certificate
 *    and the identity key pair, sealed the same way.
 *
 * A relay that mints a link code alone, or reads one, has no secret: it can enrol a device, but
 * never get that device certified, so no correspondent ever adds it.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, randomBytes, toHex, utf8 } from '../bytes.ts';
import { DecodeError } from '../errors.ts';
import { BLOB_BUCKETS } from '../padding.ts';
import { boxOpen, boxSeal } from '../seal.ts';
import type { ChainHead } from '../org/auditChain.ts';
import { isLogPublicKey } from '../transparency/treeHead.ts';
import { parseCertificate, type DeviceCertificate } from './deviceCertificate.ts';
import { parseIdentityKeyPair, type IdentityKeyPair } from './identityKey.ts';

const SECRET_RE = /^[0-9a-f]{32}$/;
/** nonce + tag of boxSeal */
const BOX_OVERHEAD = 28;
const LINK_BLOB_SIZE = BLOB_BUCKETS[0];

export type LinkRequest = { readonly t: 'link-request'; readonly handle: string; readonly deviceId: string; readonly deviceKey: string };
/**
 * `logKey`: the key-transparency log key the existing device pinned (client logKeyPin.ts).
 * `orgHead`: the head of the org's order chain the existing device verified, which the new device
 * waits for in its own verified chain (client orgPolicy.ts `awaited`) before it trusts the
 * chain's hop. Sealed with the rest, so the relay can neither change nor drop it unseen.
 * `orgKeyFromChain`: the existing device pinned the org key from the chain after its own
 * enrolment (client orgPolicy.ts `keyFromChain`: the relay may have installed it), so the new
 * device, whose link code names that key, must not follow the hop signed under it either.
 */
export type LinkResponse = {
  readonly t: 'link-response';
  readonly certificate: DeviceCertificate;
  readonly identity: IdentityKeyPair;
  readonly logKey?: string;
  readonly orgHead?: ChainHead;
  readonly orgKeyFromChain?: true;
};
export type LinkMessage = LinkRequest | LinkResponse;

export function newLinkSecret(): string {
  return toHex(randomBytes(16));
}

/** What the existing device shows: the relay's code, a dot, the secret. */
export function joinLinkCode(relayCode: string, secret: string): string {
  return `${relayCode}.${secret}`;
}

/** The relay's part and, for a link code made by a device, the secret. Invite codes have none. */
export function splitLinkCode(code: string): { relayCode: string; secret: string | undefined } {
  const trimmed = code.trim();
  const dot = trimmed.lastIndexOf('.');
  if (dot < 0) return { relayCode: trimmed, secret: undefined };
  const secret = trimmed.slice(dot + 1).toLowerCase();
  if (!SECRET_RE.test(secret)) throw new DecodeError('the link code is incomplete: copy it again from the other device');
  return { relayCode: trimmed.slice(0, dot), secret };
}

export type LinkKeys = { readonly blobId: string; readonly capability: Uint8Array; readonly encKey: Uint8Array };

export function linkKeys(secret: string): LinkKeys {
  const ikm = fromHex(secret, 16);
  const derive = (label: string, n: number) => hkdf(sha256, ikm, new Uint8Array(0), utf8.encode(`hardline/v1/link/${label}`), n);
  return { blobId: toHex(derive('blob-id', 16)), capability: derive('capability', 32), encKey: derive('content', 32) };
}

/** Sealed and padded to one blob bucket, so the relay learns nothing from its size. */
export async function sealLinkMessage(keys: LinkKeys, m: LinkMessage): Promise<Uint8Array> {
  const json = JSON.stringify(m);
  const room = LINK_BLOB_SIZE - BOX_OVERHEAD;
  if (json.length > room) throw new DecodeError('link message too large');
  return boxSeal(keys.encKey, utf8.encode(json.padEnd(room, ' ')));
}

export async function openLinkMessage(keys: LinkKeys, box: Uint8Array): Promise<LinkMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(utf8.decode(await boxOpen(keys.encKey, box)));
  } catch (cause) {
    throw new DecodeError('link message did not open', { cause });
  }
  const m = raw as { t?: unknown; handle?: unknown; deviceId?: unknown; deviceKey?: unknown; certificate?: unknown; identity?: unknown; logKey?: unknown; orgHead?: unknown; orgKeyFromChain?: unknown } | null;
  if (m?.t === 'link-request' && typeof m.handle === 'string' && typeof m.deviceId === 'string' && /^[0-9a-f]{32}$/.test(m.deviceId) && typeof m.deviceKey === 'string' && m.deviceKey.length <= 64) {
    return { t: 'link-request', handle: m.handle, deviceId: m.deviceId, deviceKey: m.deviceKey };
  }
  if (m?.t === 'link-response') {
    if (m.logKey !== undefined && !isLogPublicKey(m.logKey)) throw new DecodeError('the log key in a link answer is malformed');
    const orgHead = m.orgHead === undefined ? undefined : parseOrgHead(m.orgHead);
    if (m.orgKeyFromChain !== undefined && m.orgKeyFromChain !== true) throw new DecodeError('the org key mark in a link answer is malformed');
    return {
      t: 'link-response',
      certificate: parseCertificate(m.certificate),
      identity: parseIdentityKeyPair(m.identity),
      ...(m.logKey !== undefined ? { logKey: m.logKey } : {}),
      ...(orgHead ? { orgHead } : {}),
      ...(m.orgKeyFromChain === true ? { orgKeyFromChain: true as const } : {}),
    };
  }
  throw new DecodeError('link message has an invalid shape');
}

function parseOrgHead(v: unknown): ChainHead {
  const h = v as { seq?: unknown; hash?: unknown } | null;
  if (typeof h !== 'object' || h === null || !Number.isSafeInteger(h.seq) || (h.seq as number) < 1 || typeof h.hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.hash)) {
    throw new DecodeError('the org chain head in a link answer is malformed');
  }
  return { seq: h.seq as number, hash: h.hash };
}
