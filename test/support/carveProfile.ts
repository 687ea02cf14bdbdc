/**
 * @module test/support/carveProfile
 * The seized-laptop attacker against a browser profile: every file under the profile folder
 * as raw bytes (IndexedDB's LevelDB logs and tables with their superseded values, blob files,
 * the origin private file system, swap files), searched for what should be gone. It also
 * decrypts what it can, as someone who knows the app's storage format would:
 *
 * - Candidate keys: every CryptoKey Chromium serialised into a file (tag `\\K`, AES subtag 1,
 *   raw bytes after the usages), and every 32-byte aligned window of every file of the origin
 *   private file system (where the app keeps its key slots), plus any keys the test hands in.
 * - Candidate ciphertexts: every V8-serialised 12-byte ArrayBuffer (`B 0x0c`, an AES-GCM IV)
 *   followed within a few bytes by another ArrayBuffer (the ciphertext). Each is decrypted as
 *   AES-CTR from GCM's first counter block (IV || 2), so no tag and no exact length is needed,
 *   and a record cut short by LevelDB's block boundaries still yields its beginning.
 *
 * LevelDB's log splits a record longer than its 32 KiB blocks with a 7-byte header at each
 * block, which would cut a ciphertext; so each `.log` file is also carved with its records'
 * headers taken out (its fragments joined again).
 *
 * Every needle is looked for in the raw bytes (UTF-8 and UTF-16LE for text) and in every
 * decryption.
 */
import { createDecipheriv } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type ProfileFile = { readonly name: string; readonly bytes: Buffer };

export type ProfileCarve = {
  readonly files: number;
  readonly bytes: number;
  /** Needle label → files (raw bytes) it was found in. */
  readonly raw: Record<string, string[]>;
  /** Needle label → how many decrypted records held it. */
  readonly decrypted: Record<string, number>;
  readonly keysTried: number;
  readonly ciphertexts: number;
  readonly opened: number;
};

const LOG_BLOCK = 32 * 1024;

/** A LevelDB log's payload without its record headers (checksum, length, type). */
export function joinLogRecords(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let block = 0; block < b.length; block += LOG_BLOCK) {
    const end = Math.min(block + LOG_BLOCK, b.length);
    for (let p = block; p + 7 <= end; ) {
      const len = b.readUInt16LE(p + 4);
      if (len === 0 && b[p + 6] === 0) break;
      parts.push(b.subarray(p + 7, Math.min(end, p + 7 + len)));
      p += 7 + len;
    }
  }
  return Buffer.concat(parts);
}

/** Every file under `dir`, and each LevelDB log again with its fragments joined. */
export function readProfile(dir: string): ProfileFile[] {
  const files = readFiles(dir);
  const logs = files.filter((f) => f.name.endsWith('.log') && /leveldb|Paths|Origins/.test(f.name));
  return [...files, ...logs.map((f) => ({ name: `${f.name} (records joined)`, bytes: joinLogRecords(f.bytes) }))];
}

function readFiles(dir: string): ProfileFile[] {
  const out: ProfileFile[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push({ name: relative(dir, p), bytes: readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

function varint(b: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0, shift = 0; i < 5 && at + i < b.length; i++, shift += 7) {
    value += (b[at + i]! & 0x7f) * 2 ** shift;
    if ((b[at + i]! & 0x80) === 0) return { value, next: at + i + 1 };
  }
  return undefined;
}

/** Raw AES keys of serialised CryptoKeys: `5c 4b 01 <alg> <len/8> <usages> <keylen> <bytes>`. */
function serialisedKeys(b: Buffer): Buffer[] {
  const keys: Buffer[] = [];
  for (let i = b.indexOf(Buffer.from([0x5c, 0x4b, 0x01])); i >= 0; i = b.indexOf(Buffer.from([0x5c, 0x4b, 0x01]), i + 1)) {
    // Lenient about the fields before the key bytes: try each place a length of 16 or 32 fits.
    for (let j = i + 4; j < i + 12 && j < b.length; j++) {
      const len = b[j]!;
      if ((len === 16 || len === 32) && j + 1 + len <= b.length) keys.push(b.subarray(j + 1, j + 1 + len));
    }
  }
  return keys;
}

function opfsWindows(files: readonly ProfileFile[]): Buffer[] {
  const keys: Buffer[] = [];
  for (const f of files) {
    if (!f.name.split(sep).includes('File System')) continue;
    for (let at = 0; at + 32 <= f.bytes.length; at += 32) {
      const w = f.bytes.subarray(at, at + 32);
      if (w.some((x) => x !== 0)) keys.push(w);
    }
  }
  return keys;
}

type Ciphertext = { iv: Buffer; ct: Buffer };

function ciphertexts(b: Buffer): Ciphertext[] {
  const out: Ciphertext[] = [];
  const tag = Buffer.from([0x42, 0x0c]);
  for (let i = b.indexOf(tag); i >= 0; i = b.indexOf(tag, i + 1)) {
    const iv = b.subarray(i + 2, i + 14);
    if (iv.length < 12) break;
    for (let j = i + 14; j < i + 48 && j < b.length; j++) {
      if (b[j] !== 0x42) continue;
      const len = varint(b, j + 1);
      if (!len || len.value < 17) continue;
      out.push({ iv, ct: b.subarray(len.next, Math.min(b.length, len.next + len.value)) });
    }
  }
  return out;
}

function ctr(key: Buffer, iv: Buffer, data: Buffer): Buffer | undefined {
  if (key.length !== 16 && key.length !== 32) return undefined;
  const counter = Buffer.concat([iv, Buffer.from([0, 0, 0, 2])]);
  const d = createDecipheriv(key.length === 32 ? 'aes-256-ctr' : 'aes-128-ctr', key, counter);
  return Buffer.concat([d.update(data), d.final()]);
}

/** Mostly printable: what a JSON record decrypts to under the right key, and noise never does. */
function plausible(head: Buffer): boolean {
  let printable = 0;
  for (const x of head) if (x >= 0x20 && x < 0x7f) printable++;
  return printable >= head.length - 1;
}

function find(hay: Buffer, needle: Buffer | string): boolean {
  if (typeof needle !== 'string') return hay.includes(needle);
  return hay.includes(Buffer.from(needle, 'utf8')) || hay.includes(Buffer.from(needle, 'utf16le'));
}

export function carveProfile(files: readonly ProfileFile[], needles: Record<string, Buffer | string>, extraKeys: readonly Buffer[] = []): ProfileCarve {
  const raw: Record<string, string[]> = {};
  const decrypted: Record<string, number> = {};
  for (const label of Object.keys(needles)) {
    raw[label] = files.filter((f) => find(f.bytes, needles[label]!)).map((f) => f.name);
    decrypted[label] = 0;
  }
  const unique = new Map<string, Buffer>();
  for (const k of [...files.flatMap((f) => serialisedKeys(f.bytes)), ...opfsWindows(files), ...extraKeys]) unique.set(k.toString('hex'), Buffer.from(k));
  const cts = files.flatMap((f) => ciphertexts(f.bytes));
  let opened = 0;
  for (const key of unique.values()) {
    for (const c of cts) {
      const head = ctr(key, c.iv, c.ct.subarray(0, 16));
      if (!head || !plausible(head)) continue;
      opened++;
      const pt = ctr(key, c.iv, c.ct)!;
      for (const [label, n] of Object.entries(needles)) if (find(pt, n)) decrypted[label]!++;
    }
  }
  return { files: files.length, bytes: files.reduce((s, f) => s + f.bytes.length, 0), raw, decrypted, keysTried: unique.size, ciphertexts: cts.length, opened };
}
