/**
 * @module privateFile
 * Writes a file only its owner can read. The exposure report lists who talks to whom, which is
 * exactly what the eavesdropper wanted; it must not be left world-readable. `open`'s mode only
 * applies when it creates the file, so an existing file is chmod-ed as well.
 */
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';

export const PRIVATE_FILE_MODE = 0o600;

export function writePrivateFile(path: string, content: string): void {
  const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
  try {
    // Restrict before writing, so the content is never readable by others, not even briefly.
    fchmodSync(fd, PRIVATE_FILE_MODE);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
