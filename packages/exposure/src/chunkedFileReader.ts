/**
 * @module chunkedFileReader
 * Streams a file as pieces separated by one byte ('\n' for CSV lines, '>' for XML tags),
 * reading fixed-size chunks so that memory stays bounded whatever the file size. Only whole
 * pieces are decoded, so a UTF-8 character split across two chunks is never mangled.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ProgressCallback } from './callRecord.ts';
import { ExposureError } from './exposureError.ts';

export const DEFAULT_CHUNK_BYTES = 1 << 20;

export type PieceReaderOptions = {
  /** The byte that ends a piece (10 for '\n', 62 for '>'). */
  readonly separator: number;
  /** A piece longer than this is refused with TOO_LARGE: junk or a binary file, not a log. */
  readonly maxPieceBytes: number;
  readonly chunkBytes?: number;
  readonly progress?: ProgressCallback | undefined;
  /** Name used in messages and progress reports. */
  readonly label?: string;
};

/**
 * Calls `onPiece` for every piece in order, without its separator. `onPiece` may return false
 * to stop early. The last piece is passed even when the file does not end with a separator,
 * so that a reader can notice truncation.
 */
export function forEachPiece(
  path: string,
  options: PieceReaderOptions,
  onPiece: (piece: string, isLast: boolean) => boolean | void,
): void {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const sep = String.fromCharCode(options.separator);
  const label = options.label ?? path;
  const fd = openSync(path, 'r');
  try {
    const total = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(chunkBytes + options.maxPieceBytes + 1);
    let carry = 0;
    let done = 0;
    for (;;) {
      const n = readSync(fd, buf, carry, chunkBytes, null);
      done += n;
      const end = carry + n;
      if (n === 0) {
        if (carry > 0 && onPiece(buf.toString('utf8', 0, carry), true) === false) return;
        options.progress?.(done, total, label);
        return;
      }
      const lastSep = buf.lastIndexOf(options.separator, end - 1);
      if (lastSep < 0) {
        carry = end;
        if (carry > options.maxPieceBytes) throw tooLarge(label, options.maxPieceBytes);
        continue;
      }
      const text = buf.toString('utf8', 0, lastSep);
      let start = 0;
      for (;;) {
        const next = text.indexOf(sep, start);
        const piece = next < 0 ? text.slice(start) : text.slice(start, next);
        // Byte length ≥ UTF-16 length, so checking characters first is a cheap pre-filter.
        if (piece.length > options.maxPieceBytes || (piece.length * 3 > options.maxPieceBytes
          && Buffer.byteLength(piece) > options.maxPieceBytes)) {
          throw tooLarge(label, options.maxPieceBytes);
        }
        if (onPiece(piece, false) === false) return;
        if (next < 0) break;
        start = next + 1;
      }
      carry = end - lastSep - 1;
      if (carry > options.maxPieceBytes) throw tooLarge(label, options.maxPieceBytes);
      buf.copy(buf, 0, lastSep + 1, end);
      options.progress?.(done, total, label);
    }
  } finally {
    closeSync(fd);
  }
}

function tooLarge(label: string, max: number): ExposureError {
  return new ExposureError('TOO_LARGE', `${label}: a line or element is longer than ${max} bytes; this is not a call log`);
}
