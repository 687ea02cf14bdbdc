/**
 * @module platform/keyFileProtocol
 * Messages between the page and the key-file worker (platform/keyFileWorker.ts).
 */
import type { StorageErrorCode } from './storageError.ts';

/** `shred` with `allocate`: zero the slots and write one fresh key, in one durable write. */
export type KeyFileOp = { op: 'allocate' } | { op: 'shred'; slots: number[]; allocate: boolean } | { op: 'collect'; live: number[] } | { op: 'wipe' };

export type KeyFileRequest = KeyFileOp & { id: number };

export type KeyFileReply =
  | { id: number; ok: true; slot?: number; raw?: Uint8Array<ArrayBuffer>; freed?: number }
  | { id: number; ok: false; code: StorageErrorCode; message: string };
