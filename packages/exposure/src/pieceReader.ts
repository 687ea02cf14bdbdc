/**
 * @module pieceReader
 * The shape every text format reader has: it is handed the file's pieces in order (lines for
 * CSV, tags for XML) and reports at the end. The pieces come from a file in Node
 * (chunkedFileReader.ts) or from a browser's File (pieceSplitter.ts), so the readers stay pure.
 */
import type { ReadSummary } from './callRecord.ts';

export type PieceReader = {
  /** One piece without its separator; `isLast` marks the text after the last separator. */
  piece(text: string, isLast: boolean): void;
  /** Called once the whole input was read; throws when it was empty or cut short. */
  finish(): ReadSummary;
};
