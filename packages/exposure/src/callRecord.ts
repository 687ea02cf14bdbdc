/**
 * @module callRecord
 * The normalised record that every input format is turned into. Records are streamed one at a
 * time into a sink, never collected into one big array, so that a 2 GB log needs bounded memory.
 */

/** Canonical identity of a conversation partner: an E.164-like number (`+31612345678`), or
 * `name:…` / `short:…` / `alpha:…` when the log gives no dialable number. */
export type PartnerKey = string & { readonly __brand: 'PartnerKey' };

export const Directions = {
  IN: 'in',
  OUT: 'out',
  /** An incoming attempt that was not answered: the carrier still records who called. */
  MISSED: 'missed',
  UNKNOWN: 'unknown',
} as const;
export type Direction = (typeof Directions)[keyof typeof Directions];

export const RecordKinds = {
  CALL: 'call',
  SMS: 'sms',
} as const;
export type RecordKind = (typeof RecordKinds)[keyof typeof RecordKinds];

export type CallRecord = {
  /** Milliseconds since the Unix epoch (UTC). */
  readonly timeMs: number;
  readonly partner: PartnerKey;
  readonly direction: Direction;
  readonly kind: RecordKind;
  readonly durationSec: number;
  /** A name the log itself gives for the partner, if any. */
  readonly name?: string | undefined;
};

/** Receives records as a format reader produces them. */
export type RecordSink = (record: CallRecord) => void;

/** Reports progress through a file in bytes; `total` is the file size. */
export type ProgressCallback = (done: number, total: number, file: string) => void;

/** What every format reader is told. */
export type ReadOptions = {
  /** ISO 3166 alpha-2 country used for numbers written without a country code. */
  readonly country: string;
  /** Offset of the wall-clock time written in text logs from UTC, in minutes. */
  readonly utcOffsetMinutes: number;
  readonly progress?: ProgressCallback | undefined;
};

/** What a format reader reports back once it has streamed the whole file. */
export type ReadSummary = {
  readonly records: number;
  /** Records without an identifiable partner (withheld or empty number). */
  readonly withheld: number;
};
