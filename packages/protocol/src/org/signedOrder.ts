/**
 * @module org/signedOrder
 * An admin order signed by the org key (orgKey.ts): typed, versioned, numbered and chained.
 * `seq` counts the org's orders from 1 and `prev` is the hash of order seq-1, so the orders
 * form one signed hash chain: the relay stores and serves them, but cannot forge one, change
 * one, drop one or reorder them without a client or an auditor seeing a break (auditChain.ts).
 * The signature is under the label "org-order", so no identity or log signature fits here.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { DeviceId, Handle } from '../brand.ts';
import { toHex, utf8 } from '../bytes.ts';
import { DecodeError, TooLargeError } from '../errors.ts';
import { identitySign, identityVerify, isIdentityPublicKey } from '../identity/identityKey.ts';
import { canonicalJson } from './canonicalJson.ts';
import type { OrgKeyPair } from './orgKey.ts';
import { parsePolicy, type OrgPolicy } from './orgPolicy.ts';

export const OrderKinds = {
  /** seq 1: the key names itself; the chain's root. */
  ORG_KEY: 'org-key',
  INVITE: 'invite',
  REVOCATION: 'revocation',
  REENROLMENT: 're-enrolment',
  POLICY: 'policy',
  /** Where the policy says linking needs approval: lets `handle` make one link code before `expiresAt`. */
  LINK_APPROVAL: 'link-approval',
} as const;
export type OrderKind = (typeof OrderKinds)[keyof typeof OrderKinds];

export type OrderBody = {
  'org-key': { readonly name: string };
  /** `codeHash`: SHA-256 of the normalised code (hex); the code itself never leaves the console. */
  invite: { readonly codeHash: string; readonly handle?: Handle; readonly expiresAt: string };
  revocation: { readonly handle: Handle; readonly deviceId: DeviceId; readonly wipe: boolean };
  're-enrolment': { readonly codeHash: string; readonly handle: Handle; readonly expiresAt: string };
  policy: OrgPolicy;
  'link-approval': { readonly handle: Handle; readonly expiresAt: string };
};

export type SignedOrder<K extends OrderKind = OrderKind> = {
  readonly v: 1;
  readonly kind: K;
  readonly seq: number;
  readonly issuedAt: string;
  readonly orgKey: string;
  /** Hash of order seq-1 (hex); GENESIS_PREV for seq 1. */
  readonly prev: string;
  readonly body: OrderBody[K];
  readonly signature: string;
};

export const GENESIS_PREV = '0'.repeat(64);
export const MAX_ORDER_BYTES = 64 * 1024;
const LABEL = 'org-order';
const HANDLE_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

function signedPart(o: Omit<SignedOrder, 'signature'>): string {
  return [o.v, o.kind, o.seq, o.issuedAt, o.orgKey, o.prev, canonicalJson(o.body)].join('\n');
}

export function signOrder<K extends OrderKind>(key: OrgKeyPair, kind: K, body: OrderBody[K], chain: { seq: number; prev: string }, now: Date = new Date()): SignedOrder<K> {
  const unsigned = unsignedOrder(key.publicKey, kind, body, chain, now);
  return { ...unsigned, signature: identitySign(key, LABEL, signedPart(unsigned)) };
}

export type UnsignedOrder<K extends OrderKind = OrderKind> = Omit<SignedOrder<K>, 'signature'>;

/** For a signer that keeps its key to itself (a non-extractable WebCrypto key in the console). */
export function unsignedOrder<K extends OrderKind>(orgKey: string, kind: K, body: OrderBody[K], chain: { seq: number; prev: string }, now: Date = new Date()): UnsignedOrder<K> {
  return { v: 1 as const, kind, seq: chain.seq, issuedAt: now.toISOString(), orgKey, prev: chain.prev, body: parseBody(kind, body) as OrderBody[K] };
}

/** The exact bytes an Ed25519 signer signs: the same as signOrder's, label included. */
export function orderSigningBytes(o: UnsignedOrder): Uint8Array {
  return utf8.encode(`hardline/v1/${LABEL}\n${signedPart(o)}`);
}

/** The hash the next order's `prev` must carry: over every field, the signature included. */
export function orderHash(o: SignedOrder): string {
  return toHex(sha256(utf8.encode(canonicalJson(o))));
}

export function verifyOrder(o: SignedOrder, orgKey: string): boolean {
  if (o.orgKey !== orgKey) return false;
  const { signature, ...body } = o;
  return identityVerify(orgKey, LABEL, signedPart(body), signature);
}

/** Shape only: whether it is the org's is verifyOrder's question. */
export function parseOrder(v: unknown): SignedOrder {
  const size = JSON.stringify(v ?? null).length;
  if (size > MAX_ORDER_BYTES) throw new TooLargeError('org order', size, MAX_ORDER_BYTES);
  const o = v as Partial<SignedOrder> | null;
  const ok =
    o !== null &&
    typeof o === 'object' &&
    o.v === 1 &&
    typeof o.kind === 'string' &&
    (Object.values(OrderKinds) as string[]).includes(o.kind) &&
    Number.isSafeInteger(o.seq) &&
    o.seq! >= 1 &&
    typeof o.issuedAt === 'string' &&
    o.issuedAt.length <= 40 &&
    !Number.isNaN(Date.parse(o.issuedAt)) &&
    isIdentityPublicKey(o.orgKey) &&
    typeof o.prev === 'string' &&
    /^[0-9a-f]{64}$/.test(o.prev) &&
    typeof o.signature === 'string' &&
    o.signature.length <= 100;
  if (!ok) throw new DecodeError('org order has an invalid shape');
  return { v: 1, kind: o.kind!, seq: o.seq!, issuedAt: o.issuedAt!, orgKey: o.orgKey!, prev: o.prev!, body: parseBody(o.kind!, o.body), signature: o.signature! } as SignedOrder;
}

function parseBody(kind: OrderKind, b: unknown): OrderBody[OrderKind] {
  const r = (b ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || b === null) throw new DecodeError(`${kind} order has no body`);
  const handle = (v: unknown): Handle => {
    if (typeof v !== 'string' || !HANDLE_RE.test(v)) throw new DecodeError(`${kind} order names an invalid handle`);
    return v as Handle;
  };
  const hash = (v: unknown): string => {
    if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new DecodeError(`${kind} order has an invalid code hash`);
    return v;
  };
  const time = (v: unknown): string => {
    if (typeof v !== 'string' || v.length > 40 || Number.isNaN(Date.parse(v))) throw new DecodeError(`${kind} order has an invalid time`);
    return v;
  };
  switch (kind) {
    case 'org-key':
      if (typeof r.name !== 'string' || r.name.length > 64) throw new DecodeError('org-key order needs a name of at most 64 characters');
      return { name: r.name };
    case 'invite':
      return { codeHash: hash(r.codeHash), ...(r.handle === undefined ? {} : { handle: handle(r.handle) }), expiresAt: time(r.expiresAt) };
    case 're-enrolment':
      return { codeHash: hash(r.codeHash), handle: handle(r.handle), expiresAt: time(r.expiresAt) };
    case 'revocation':
      if (typeof r.deviceId !== 'string' || !/^[0-9a-f]{32}$/.test(r.deviceId)) throw new DecodeError('revocation order names an invalid device id');
      return { handle: handle(r.handle), deviceId: r.deviceId as DeviceId, wipe: r.wipe === true };
    case 'policy':
      return parsePolicy(b);
    case 'link-approval':
      return { handle: handle(r.handle), expiresAt: time(r.expiresAt) };
  }
}
