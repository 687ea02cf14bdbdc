/**
 * @module relayError
 * The relay's own error codes (spec §6 table) on top of protocol's HardlineError.
 *
 * Protocol's ErrorCode union does not (yet) contain the relay-only codes such as BAD_CODE or
 * NO_KEYPACKAGE, so a RelayError carries the exact wire code in `relayCode` and passes the
 * nearest protocol code to the base class. Code that only knows HardlineError still gets a
 * sensible category; the wire always carries `relayCode`.
 */
import { ErrorCodes, HardlineError, type ErrorCode } from '@hardline/protocol';

export const RelayErrorCodes = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_CODE: 'BAD_CODE',
  BAD_CAPABILITY: 'BAD_CAPABILITY',
  REVOKED: 'REVOKED',
  NOT_FOUND: 'NOT_FOUND',
  NO_MAILBOX: 'NO_MAILBOX',
  NO_KEYPACKAGE: 'NO_KEYPACKAGE',
  /** An uploaded KeyPackage that is malformed, of another suite or device, or badly signed. */
  INVALID_KEYPACKAGE: 'INVALID_KEYPACKAGE',
  CONFLICT: 'CONFLICT',
  /** The mailbox holds its quota of envelopes or bytes until its reader catches up; nothing accepted is lost. */
  MAILBOX_FULL: 'MAILBOX_FULL',
  /** The relay's space for blobs (per enrolled device) is taken; existing blobs keep working. */
  BLOBS_FULL: 'BLOBS_FULL',
  /** The data folder's disk is nearly full: writes that add data wait; reads and acks go on. */
  DISK_FULL: 'DISK_FULL',
  /** Too many failed attempts (enrolment codes) from this address or overall; retry later. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The relay is at a connection or memory limit (relayLimits.ts); retry later. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** A bug or an I/O failure in the relay; never caused by input alone. */
  INTERNAL: 'INTERNAL',
} as const;

export type RelayErrorCode = (typeof RelayErrorCodes)[keyof typeof RelayErrorCodes];

const PROTOCOL_CATEGORY = {
  UNAUTHENTICATED: ErrorCodes.FORBIDDEN,
  FORBIDDEN: ErrorCodes.FORBIDDEN,
  BAD_CODE: ErrorCodes.FORBIDDEN,
  BAD_CAPABILITY: ErrorCodes.FORBIDDEN,
  REVOKED: ErrorCodes.REVOKED,
  NOT_FOUND: ErrorCodes.NOT_FOUND,
  NO_MAILBOX: ErrorCodes.NOT_FOUND,
  NO_KEYPACKAGE: ErrorCodes.NOT_FOUND,
  INVALID_KEYPACKAGE: ErrorCodes.VALIDATION,
  CONFLICT: ErrorCodes.CONFLICT,
  MAILBOX_FULL: ErrorCodes.MAILBOX_FULL,
  BLOBS_FULL: ErrorCodes.BLOBS_FULL,
  DISK_FULL: ErrorCodes.DISK_FULL,
  RATE_LIMITED: ErrorCodes.UNAVAILABLE,
  UNAVAILABLE: ErrorCodes.UNAVAILABLE,
  INTERNAL: ErrorCodes.UNAVAILABLE,
} as const satisfies Record<RelayErrorCode, ErrorCode>;

export class RelayError extends HardlineError {
  readonly relayCode: RelayErrorCode;
  /** Extra fields for the wire error object; only ever values the caller is entitled to. */
  readonly details: Readonly<Record<string, number | string>> | undefined;
  /** Seconds the caller should wait (`Retry-After`), for RATE_LIMITED and UNAVAILABLE. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: RelayErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Readonly<Record<string, number | string>>; retryAfterSeconds?: number },
  ) {
    super(PROTOCOL_CATEGORY[code], message, options);
    this.relayCode = code;
    this.details = options?.details;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}
