/**
 * @module platform/storageError
 * Why the browser's saved state could not be read or written, as a stable code the UI turns
 * into a sentence (ui/App.tsx). Never carries key bytes or record contents.
 */
export const StorageErrorCodes = {
  /** Saved by a version that kept its key in IndexedDB (before crypto-shredding): not readable. */
  OLD_STORAGE_FORMAT: 'OLD_STORAGE_FORMAT',
  /** The record names a key slot that is empty: the key file was erased or damaged. */
  KEY_GONE: 'KEY_GONE',
  /** Every key slot is in use (a bug, or a damaged file): nothing new can be sealed. */
  KEY_FILE_FULL: 'KEY_FILE_FULL',
  /** The origin private file system is missing or refused (a private window, storage blocked). */
  KEY_FILE_UNAVAILABLE: 'KEY_FILE_UNAVAILABLE',
  /** This page erased the device's data (a revocation, the app lock): nothing may be written back. */
  WIPED: 'WIPED',
} as const;
export type StorageErrorCode = (typeof StorageErrorCodes)[keyof typeof StorageErrorCodes];

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
