/**
 * @module pieceSplitter
 * Cuts text that arrives in chunks (a browser File read slice by slice) into pieces at one
 * separator and hands them to a PieceReader: the in-memory twin of chunkedFileReader.ts, with
 * the same bound on a piece, so a junk file is refused before it fills the tab's memory.
 */
import { ExposureError } from './exposureError.ts';
import type { PieceReader } from './pieceReader.ts';

export type PieceSplitter = {
  push(text: string): void;
  /** The input is over: passes what follows the last separator as the last piece. */
  end(): void;
};

/** `maxPieceChars` bounds a piece in UTF-16 units, at most its size in bytes. */
export function pieceSplitter(separator: string, maxPieceChars: number, label: string, reader: PieceReader): PieceSplitter {
  let carry = '';
  const tooLarge = () => new ExposureError('TOO_LARGE', `${label}: a line or element is longer than ${maxPieceChars} characters; this is not a call log`);
  return {
    push(text) {
      const buf = carry + text;
      let start = 0;
      for (let next = buf.indexOf(separator); next >= 0; next = buf.indexOf(separator, start)) {
        if (next - start > maxPieceChars) throw tooLarge();
        reader.piece(buf.slice(start, next), false);
        start = next + separator.length;
      }
      carry = buf.slice(start);
      if (carry.length > maxPieceChars) throw tooLarge();
    },
    end() {
      if (carry !== '') reader.piece(carry, true);
      carry = '';
    },
  };
}
