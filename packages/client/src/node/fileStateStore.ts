/**
 * @module node/fileStateStore
 * Device state encrypted at rest with AES-256-GCM. The key comes from a random key file
 * (mode 0600, in the home directory, so only this OS user can read it) or from a passphrase
 * through scrypt. Writes go to a temp file, fsync, rename: a crash leaves the old or the new
 * state, never half of one.
 *
 * With a key file, every save also draws a new key and overwrites the old key file in place:
 * an older copy of state.enc (a backup, a synced folder, blocks the rename freed on disk)
 * holding messages that have since disappeared cannot be opened with the key file the device
 * has now. Order of a save, so that a crash at any point leaves a state that opens:
 *   1. state.key.next = new key          (fsync)
 *   2. state.enc.tmp  = state, new key   (fsync) -> rename over state.enc
 *   3. state.key      = new key, written over the old key's bytes (fsync)
 *   4. remove state.key.next
 * load() tries state.key, then state.key.next (a crash between 2 and 3).
 * With a passphrase the key cannot rotate: whoever knows the passphrase opens old copies too.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HardlineError } from '@hardline/protocol';
import type { DeviceState, StateStore } from '../deviceState.ts';

const MAGIC = Buffer.from('HLS1');
const KEY_SIZE = 32;

export class FileStateStore implements StateStore {
  private readonly statePath: string;
  private readonly keyPath: string;
  private readonly nextKeyPath: string;
  /** Passphrase mode only: scrypt is slow, and its key never changes. */
  private passphraseKey: Buffer | undefined;

  constructor(
    readonly home: string,
    private readonly passphrase?: string,
  ) {
    this.statePath = join(home, 'state.enc');
    this.keyPath = join(home, 'state.key');
    this.nextKeyPath = join(home, 'state.key.next');
  }

  private getPassphraseKey(create: boolean): Buffer {
    if (this.passphraseKey) return this.passphraseKey;
    const saltPath = join(this.home, 'state.salt');
    if (!existsSync(saltPath)) {
      if (!create) throw new HardlineError('USAGE', `no device state in ${this.home}`);
      writeAtomic(saltPath, randomBytes(16));
    }
    this.passphraseKey = scryptSync(this.passphrase!, readFileSync(saltPath), 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    return this.passphraseKey;
  }

  /** The keys that may open state.enc now: state.key, then state.key.next after a crash. */
  private fileKeys(): Buffer[] {
    if (!existsSync(this.keyPath)) throw new HardlineError('USAGE', `no device state in ${this.home}`);
    const keys: Buffer[] = [];
    for (const path of [this.keyPath, this.nextKeyPath]) {
      if (!existsSync(path)) continue;
      const mode = statSync(path).mode & 0o777;
      if (mode & 0o077) throw new HardlineError('USAGE', `${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
      const key = readFileSync(path);
      if (key.length !== KEY_SIZE) {
        if (path === this.keyPath) throw new HardlineError('DECODE', `${path} is corrupt`);
        continue;
      }
      keys.push(key);
    }
    return keys;
  }

  async load(): Promise<DeviceState | undefined> {
    if (!existsSync(this.statePath)) return undefined;
    const data = readFileSync(this.statePath);
    if (data.length < 4 + 12 + 16 || !data.subarray(0, 4).equals(MAGIC)) {
      throw new HardlineError('DECODE', `device state in ${this.home} is corrupt`);
    }
    const keys = this.passphrase !== undefined ? [this.getPassphraseKey(false)] : this.fileKeys();
    let cause: unknown;
    for (const [i, key] of keys.entries()) {
      try {
        const state = decrypt(key, data);
        // Opened with state.key.next: a save stopped between steps 2 and 3; finish it.
        if (i > 0) overwriteInPlace(this.keyPath, key);
        return state;
      } catch (e) {
        cause = e;
      }
    }
    throw new HardlineError('CRYPTO', `device state in ${this.home} is corrupt or the key/passphrase is wrong`, { cause });
  }

  async save(state: DeviceState): Promise<void> {
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    const plaintext = Buffer.from(JSON.stringify(state), 'utf8');
    if (this.passphrase !== undefined) {
      writeAtomic(this.statePath, encrypt(this.getPassphraseKey(true), plaintext), 0o600);
      return;
    }
    const hadKey = existsSync(this.keyPath);
    if (hadKey) this.fileKeys(); // refuses a key file others can read, before anything is written
    const key = randomBytes(KEY_SIZE);
    writeAtomic(this.nextKeyPath, key, 0o600);
    writeAtomic(this.statePath, encrypt(key, plaintext), 0o600);
    if (hadKey) overwriteInPlace(this.keyPath, key);
    else writeAtomic(this.keyPath, key, 0o600);
    rmSync(this.nextKeyPath, { force: true });
    key.fill(0);
    plaintext.fill(0);
  }

  async wipe(): Promise<void> {
    // The key first: without it, whatever copy of the state survives is noise.
    if (existsSync(this.keyPath)) overwriteInPlace(this.keyPath, Buffer.alloc(KEY_SIZE));
    for (const p of [this.nextKeyPath, this.keyPath, this.statePath, `${this.statePath}.tmp`, `${this.nextKeyPath}.tmp`]) rmSync(p, { force: true });
  }
}

function encrypt(key: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([MAGIC, iv, ct, c.getAuthTag()]);
}

function decrypt(key: Buffer, data: Buffer): DeviceState {
  const d = createDecipheriv('aes-256-gcm', key, data.subarray(4, 16));
  d.setAuthTag(data.subarray(data.length - 16));
  const pt = Buffer.concat([d.update(data.subarray(16, data.length - 16)), d.final()]);
  return JSON.parse(pt.toString('utf8')) as DeviceState;
}

function writeAtomic(path: string, data: Buffer, mode = 0o600): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Writes over the file's own bytes instead of replacing the file, so that on an ordinary
 * (non copy-on-write) file system the old key's blocks are overwritten rather than freed.
 */
function overwriteInPlace(path: string, data: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, data, 0, data.length, 0);
    ftruncateSync(fd, data.length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
