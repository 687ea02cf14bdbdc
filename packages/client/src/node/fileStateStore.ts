/**
 * @module node/fileStateStore
 * Device state encrypted at rest with AES-256-GCM. The key comes from a random key file
 * (mode 0600, in the home directory, so only this OS user can read it) or from a passphrase
 * through scrypt. Writes go to a temp file, fsync, rename: a crash leaves the old or the new
 * state, never half of one.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HardlineError } from '@hardline/protocol';
import type { DeviceState, StateStore } from '../deviceState.ts';

const MAGIC = Buffer.from('HLS1');

export class FileStateStore implements StateStore {
  private readonly statePath: string;
  private readonly keyPath: string;
  private key: Buffer | undefined;

  constructor(
    readonly home: string,
    private readonly passphrase?: string,
  ) {
    this.statePath = join(home, 'state.enc');
    this.keyPath = join(home, 'state.key');
  }

  private getKey(create: boolean): Buffer {
    if (this.key) return this.key;
    if (this.passphrase !== undefined) {
      const saltPath = join(this.home, 'state.salt');
      if (!existsSync(saltPath)) {
        if (!create) throw new HardlineError('USAGE', `no device state in ${this.home}`);
        writeAtomic(saltPath, randomBytes(16));
      }
      this.key = scryptSync(this.passphrase, readFileSync(saltPath), 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
      return this.key;
    }
    if (existsSync(this.keyPath)) {
      const mode = statSync(this.keyPath).mode & 0o777;
      if (mode & 0o077) throw new HardlineError('USAGE', `${this.keyPath} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
      this.key = readFileSync(this.keyPath);
      if (this.key.length !== 32) throw new HardlineError('DECODE', `${this.keyPath} is corrupt`);
      return this.key;
    }
    if (!create) throw new HardlineError('USAGE', `no device state in ${this.home}`);
    this.key = randomBytes(32);
    writeAtomic(this.keyPath, this.key, 0o600);
    return this.key;
  }

  async load(): Promise<DeviceState | undefined> {
    if (!existsSync(this.statePath)) return undefined;
    const data = readFileSync(this.statePath);
    if (data.length < 4 + 12 + 16 || !data.subarray(0, 4).equals(MAGIC)) {
      throw new HardlineError('DECODE', `device state in ${this.home} is corrupt`);
    }
    const key = this.getKey(false);
    try {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(4, 16));
      d.setAuthTag(data.subarray(data.length - 16));
      const pt = Buffer.concat([d.update(data.subarray(16, data.length - 16)), d.final()]);
      return JSON.parse(pt.toString('utf8')) as DeviceState;
    } catch (cause) {
      throw new HardlineError('CRYPTO', `device state in ${this.home} is corrupt or the key/passphrase is wrong`, { cause });
    }
  }

  async save(state: DeviceState): Promise<void> {
    mkdirSync(this.home, { recursive: true, mode: 0o700 });
    const key = this.getKey(true);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([c.update(JSON.stringify(state), 'utf8'), c.final()]);
    writeAtomic(this.statePath, Buffer.concat([MAGIC, iv, ct, c.getAuthTag()]), 0o600);
  }

  async wipe(): Promise<void> {
    rmSync(this.statePath, { force: true });
    rmSync(this.keyPath, { force: true });
  }
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
