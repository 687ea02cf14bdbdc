/**
 * @module errors
 * Typed errors with a stable `code`. Callers (server, CLI, tests) branch on the class or the
 * code, never on message text. The server maps codes to HTTP statuses / WebSocket close codes,
 * the CLI maps them to exit codes.
 */

export const ErrorCodes = {
  /** Bytes that cannot be decoded: truncated, wrong version, bad length. */
  DECODE: 'DECODE',
  /** Input larger than the decoder's bound. */
  TOO_LARGE: 'TOO_LARGE',
  /** Well-formed input that violates a rule (bad bucket size, bad handle...). */
  VALIDATION: 'VALIDATION',
  /** Authentication tag or signature did not verify. */
  CRYPTO: 'CRYPTO',
  /** Caller used an API wrongly (missing state, unknown conversation...). */
  USAGE: 'USAGE',
  /** A capability (send, read, admin token, code) was wrong. */
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  REVOKED: 'REVOKED',
  UNAVAILABLE: 'UNAVAILABLE',
  /** A person's identity key changed: sending to them waits until the user accepts it. */
  IDENTITY_CHANGED: 'IDENTITY_CHANGED',
  /** Key transparency: the relay signed two tree heads that no consistency proof joins (a forked log). */
  SPLIT_VIEW: 'SPLIT_VIEW',
  /** Saved device state from an earlier, incompatible version. */
  OUTDATED_STATE: 'OUTDATED_STATE',
  /** SFrame: no key is known for the frame's KID (not received yet, or already retired). */
  UNKNOWN_KID: 'UNKNOWN_KID',
  /** SFrame: the frame's counter was already accepted, or is older than the replay window. */
  REPLAY: 'REPLAY',
  /** Relay: no or expired session. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Relay: an enrolment or link code that is unknown, used or expired. */
  BAD_CODE: 'BAD_CODE',
  /** Relay: a send or read capability that does not match the mailbox. */
  BAD_CAPABILITY: 'BAD_CAPABILITY',
  /** Relay: too many failed attempts (enrolment codes); retry after the Retry-After seconds. */
  RATE_LIMITED: 'RATE_LIMITED',
  NO_MAILBOX: 'NO_MAILBOX',
  NO_KEYPACKAGE: 'NO_KEYPACKAGE',
  /** Relay: the recipient's mailbox is at its quota until its device picks up; the post stays queued. */
  MAILBOX_FULL: 'MAILBOX_FULL',
  /** Relay: no room for another blob (or a bigger one) now; existing blobs keep working. */
  BLOBS_FULL: 'BLOBS_FULL',
  /** Relay: its disk is nearly full; writes wait, reads and acknowledgements go on. */
  DISK_FULL: 'DISK_FULL',
  /** Relay: an anonymous action (claim, new blob) needs a Privacy Pass token and none came. */
  TOKEN_REQUIRED: 'TOKEN_REQUIRED',
  /** Relay: a token that does not verify, or whose issuer key has retired; fetch fresh ones. */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** Relay: a token already spent (each token pays for one action). */
  TOKEN_SPENT: 'TOKEN_SPENT',
  /** Relay: this device has fetched its tokens for the day. */
  TOKEN_BUDGET: 'TOKEN_BUDGET',
  /** The organisation's signed security policy does not allow this (org/orgPolicy.ts). */
  POLICY_FORBIDS: 'POLICY_FORBIDS',
  /** Oblivious HTTP: a key config the gateway does not hold (rotated) or a suite it refuses; refetch its keys. */
  OHTTP_KEY: 'OHTTP_KEY',
  /**
   * Client: an anonymous action (post, claim, blob call, TURN purchase) is held on this device
   * until the org's verified chain shows the invite it enrolled with; posts stay queued.
   */
  AWAITING_INVITE: 'AWAITING_INVITE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class HardlineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

export class DecodeError extends HardlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.DECODE, message, options);
  }
}

export class TooLargeError extends HardlineError {
  constructor(what: string, size: number, max: number) {
    super(ErrorCodes.TOO_LARGE, `${what} is ${size} bytes, more than the limit of ${max}`);
  }
}

export class ValidationError extends HardlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.VALIDATION, message, options);
  }
}

export class CryptoError extends HardlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.CRYPTO, message, options);
  }
}

export class UsageError extends HardlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.USAGE, message, options);
  }
}

export function isHardlineError(e: unknown): e is HardlineError {
  return e instanceof HardlineError;
}

/**
 * SFrame frame whose KID has no receive key. Kept apart from CryptoError because the usual cause
 * is ordering, not an attack: media can arrive before the key for a new epoch does.
 */
export class UnknownKidError extends HardlineError {
  /** The KID from the frame header, so a caller can tell which key it is still waiting for. */
  readonly kid: bigint;
  constructor(kid: bigint) {
    super(ErrorCodes.UNKNOWN_KID, 'no SFrame key for this KID');
    this.kid = kid;
  }
}

/** SFrame frame rejected by the replay window: its counter was seen before, or is too old to tell. */
export class ReplayError extends HardlineError {
  readonly reason: 'replayed' | 'too-old';
  constructor(reason: 'replayed' | 'too-old') {
    super(ErrorCodes.REPLAY, reason === 'replayed' ? 'SFrame counter already seen' : 'SFrame counter older than the replay window');
    this.reason = reason;
  }
}
