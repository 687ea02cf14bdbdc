/**
 * @module wireError
 * Maps any thrown value to what goes on the wire: the stable code, a message, the HTTP status
 * and the WebSocket close code from spec §6. Unknown (non-Hardline) errors become INTERNAL
 * with a fixed message, so that nothing from inside the relay (SQL, paths, input) leaks out.
 */
import { isHardlineError } from '@hardline/protocol';
import { RelayError } from './relayError.ts';

export type WireError = {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** WebSocket close code; undefined where the spec closes nothing (the socket stays open). */
  readonly wsClose: number | undefined;
};

const TABLE: Readonly<Record<string, { status: number; wsClose: number | undefined }>> = {
  DECODE: { status: 400, wsClose: 4400 },
  VALIDATION: { status: 400, wsClose: 4400 },
  TOO_LARGE: { status: 413, wsClose: 1009 },
  UNAUTHENTICATED: { status: 401, wsClose: 4401 },
  FORBIDDEN: { status: 403, wsClose: 4403 },
  BAD_CODE: { status: 403, wsClose: 4403 },
  BAD_CAPABILITY: { status: 403, wsClose: 4403 },
  REVOKED: { status: 403, wsClose: 4003 },
  POLICY_FORBIDS: { status: 403, wsClose: undefined },
  NOT_FOUND: { status: 404, wsClose: undefined },
  NO_MAILBOX: { status: 404, wsClose: undefined },
  NO_KEYPACKAGE: { status: 404, wsClose: undefined },
  INVALID_KEYPACKAGE: { status: 400, wsClose: 4400 },
  CONFLICT: { status: 409, wsClose: undefined },
  // 507 Insufficient Storage (RFC 4918 §11.5): temporary, and about storage, not the request.
  MAILBOX_FULL: { status: 507, wsClose: undefined },
  BLOBS_FULL: { status: 507, wsClose: undefined },
  DISK_FULL: { status: 507, wsClose: undefined },
  TOKEN_REQUIRED: { status: 401, wsClose: undefined },
  TOKEN_INVALID: { status: 401, wsClose: undefined },
  TOKEN_SPENT: { status: 403, wsClose: undefined },
  TOKEN_BUDGET: { status: 429, wsClose: undefined },
  RATE_LIMITED: { status: 429, wsClose: 1008 },
  UNAVAILABLE: { status: 503, wsClose: 1013 },
  INTERNAL: { status: 500, wsClose: 1011 },
};

/** The wire code of an error: a RelayError's exact code, a protocol error's code, else INTERNAL. */
export function wireCode(e: unknown): string {
  if (e instanceof RelayError) return e.relayCode;
  if (isHardlineError(e)) return e.code;
  return 'INTERNAL';
}

export function toWireError(e: unknown): WireError {
  const code = wireCode(e);
  // Protocol codes outside the spec table (CRYPTO, USAGE, ...) are the caller's fault: 400.
  const mapped = TABLE[code] ?? { status: 400, wsClose: 4400 };
  const message = code === 'INTERNAL' ? 'internal error' : e instanceof Error ? e.message : String(e);
  return { code, message, ...mapped };
}

/** True when the error is the relay's fault rather than the caller's; only these are counted in logs. */
export function isInternal(e: unknown): boolean {
  return wireCode(e) === 'INTERNAL';
}
