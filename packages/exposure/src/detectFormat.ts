/**
 * @module detectFormat
 * A file's format, from its first bytes (sniffFormat.ts decides). Only a small prefix is read,
 * so a 2 GB junk file is refused at once.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ExposureError } from './exposureError.ts';
import { formatOfHead, SNIFF_BYTES } from './sniffFormat.ts';
import type { InputFormat } from './sniffFormat.ts';

export { InputFormats } from './sniffFormat.ts';
export type { InputFormat } from './sniffFormat.ts';

export function detectFormat(path: string): InputFormat {
  return formatOfHead(readHead(path), path);
}

function readHead(path: string): Buffer {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw new ExposureError('NOT_FOUND', `${path}: is a directory, not a file`);
    fd = openSync(path, 'r');
  } catch (cause) {
    if (cause instanceof ExposureError) throw cause;
    throw new ExposureError('NOT_FOUND', `${path}: cannot open (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
