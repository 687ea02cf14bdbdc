/**
 * @module bundle
 * A Welcome or Commit travels together with the new roster, boxed under the new epoch's
 * exporter secret, so that the new members learn where to post and existing members learn
 * the new devices' mailboxes in the same envelope as the epoch change.
 *
 *   u32be mlsLength || MLSMessage || rosterBox
 */
import { concatBytes } from './bytes.ts';
import { DecodeError } from './errors.ts';

export type Bundle = { readonly mls: Uint8Array; readonly rosterBox: Uint8Array };

export function encodeBundle(b: Bundle): Uint8Array {
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, b.mls.length);
  return concatBytes(len, b.mls, b.rosterBox);
}

export function decodeBundle(bytes: Uint8Array): Bundle {
  if (bytes.length < 4) throw new DecodeError('bundle truncated');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (len > bytes.length - 4 || len === 0) throw new DecodeError('bundle length out of range');
  const rosterBox = bytes.subarray(4 + len);
  if (rosterBox.length === 0) throw new DecodeError('bundle has no roster');
  return { mls: bytes.subarray(4, 4 + len), rosterBox };
}
