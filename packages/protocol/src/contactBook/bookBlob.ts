/**
 * @module contactBook/bookBlob
 * The contact book as the relay stores it: compressed, padded to a blob bucket, encrypted.
 *
 * ```
 * blob  = 0x01 || nonce[12] || AES-256-GCM(encKey, nonce, aad = "hardline/v1/book" || blobId, inner)
 * inner = u32be length || deflate-raw(encodeBook(state)) || zero padding
 * |blob| is exactly one of BLOB_BUCKETS
 * ```
 *
 * The AAD binds the blob to its id, so the relay cannot serve one user's blob as another's.
 * Compressing before padding is safe here: the size the relay sees is the bucket, and the
 * content is the user's own. Decompression is bounded, so a corrupt blob cannot exhaust memory.
 */
import { concatBytes, fromHex, randomBytes, utf8 } from '../bytes.ts';
import { CryptoError, DecodeError, TooLargeError } from '../errors.ts';
import { blobBucketFor, isBlobBucketSize } from '../padding.ts';
import { decodeBook, encodeBook, MAX_BOOK_BYTES } from './bookCodec.ts';
import type { BookKeys } from './bookKeys.ts';
import type { BookState } from './bookState.ts';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
const OVERHEAD = 1 + NONCE + TAG + 4;

const subtle = () => globalThis.crypto.subtle;

async function pipe(bytes: Uint8Array, stream: ReadableWritablePair<Uint8Array, BufferSource>, max: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (cause) {
      throw new DecodeError('contact book blob does not decompress', { cause });
    }
    if (r.done) break;
    size += r.value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new TooLargeError('contact book', size, max);
    }
    parts.push(r.value);
  }
  return concatBytes(...parts);
}

function aad(keys: BookKeys): Uint8Array {
  return concatBytes(utf8.encode('hardline/v1/book'), fromHex(keys.blobId, 16));
}

export async function sealBook(keys: BookKeys, state: BookState): Promise<Uint8Array> {
  const packed = await pipe(encodeBook(state), new CompressionStream('deflate-raw'), MAX_BOOK_BYTES);
  const size = blobBucketFor(packed.length + OVERHEAD);
  const inner = new Uint8Array(size - 1 - NONCE - TAG);
  new DataView(inner.buffer).setUint32(0, packed.length);
  inner.set(packed, 4);
  const key = await subtle().importKey('raw', keys.encKey as BufferSource, 'AES-GCM', false, ['encrypt']);
  const nonce = randomBytes(NONCE);
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce as BufferSource, additionalData: aad(keys) as BufferSource }, key, inner as BufferSource));
  return concatBytes(new Uint8Array([VERSION]), nonce, ct);
}

export async function openBook(keys: BookKeys, blob: Uint8Array): Promise<BookState> {
  if (!isBlobBucketSize(blob.length)) throw new DecodeError(`contact book blob of ${blob.length} bytes is not a bucket size`);
  if (blob[0] !== VERSION) throw new DecodeError(`unknown contact book blob version ${blob[0]}`);
  const key = await subtle().importKey('raw', keys.encKey as BufferSource, 'AES-GCM', false, ['decrypt']);
  let inner: Uint8Array;
  try {
    inner = new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: blob.subarray(1, 1 + NONCE) as BufferSource, additionalData: aad(keys) as BufferSource },
        key,
        blob.subarray(1 + NONCE) as BufferSource,
      ),
    );
  } catch (cause) {
    throw new CryptoError('contact book blob did not authenticate', { cause });
  }
  const len = new DataView(inner.buffer, inner.byteOffset).getUint32(0);
  if (len > inner.length - 4) throw new DecodeError('contact book blob length exceeds its content');
  return decodeBook(await pipe(inner.subarray(4, 4 + len), new DecompressionStream('deflate-raw'), MAX_BOOK_BYTES));
}
