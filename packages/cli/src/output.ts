/**
 * @module output
 * One place that turns errors into a single stderr line and an exit code, so scripts can rely
 * on both. Codes are grouped by what the caller can do about them.
 */
import { isHardlineError } from '@hardline/protocol';

export const ExitCodes = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  DENIED: 4,
  UNAVAILABLE: 5,
  CONFLICT: 6,
  CORRUPT: 7,
} as const;

export function exitCodeFor(e: unknown): number {
  if (!isHardlineError(e)) return ExitCodes.FAILURE;
  switch (e.code) {
    case 'USAGE':
    case 'VALIDATION':
      return ExitCodes.USAGE;
    case 'NOT_FOUND':
    case 'NO_KEYPACKAGE':
    case 'NO_MAILBOX':
      return ExitCodes.NOT_FOUND;
    case 'FORBIDDEN':
    case 'BAD_CODE':
    case 'BAD_CAPABILITY':
    case 'REVOKED':
    case 'UNAUTHENTICATED':
    case 'IDENTITY_CHANGED':
    case 'POLICY_FORBIDS':
    // The relay was caught showing people different keys: nothing it serves is to be trusted.
    case 'SPLIT_VIEW':
      return ExitCodes.DENIED;
    case 'UNAVAILABLE':
    // Refused for now, kept queued: the same remedy as an unreachable relay, waiting.
    case 'MAILBOX_FULL':
    case 'DISK_FULL':
    case 'BLOBS_FULL':
    case 'RATE_LIMITED':
    // Held until the relay shows this device's invite in the org's chain: posts stay queued.
    case 'AWAITING_INVITE':
      return ExitCodes.UNAVAILABLE;
    case 'CONFLICT':
      return ExitCodes.CONFLICT;
    case 'DECODE':
    case 'CRYPTO':
    case 'TOO_LARGE':
    case 'OUTDATED_STATE':
      return ExitCodes.CORRUPT;
    default:
      return ExitCodes.FAILURE;
  }
}

export function errorLine(e: unknown): string {
  if (isHardlineError(e)) return `hardline: ${e.message} (${e.code})`;
  if (e instanceof Error) return `hardline: ${e.message}`;
  return `hardline: ${String(e)}`;
}

export type Io = { out: (line: string) => void; err: (line: string) => void };
export const processIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};
