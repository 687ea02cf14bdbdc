/**
 * Device state at rest (node/fileStateStore.ts) from the seat of someone holding the disk, or a
 * user account that shares the machine. The key file must be refused before anything is read
 * or written when others can read it; a corrupt key or state must give a typed error; a wipe
 * must leave nothing that opens; and a save's key must not stay in memory.
 */
import { chmodSync, existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createCipheriv, randomBytes as realRandomBytes, scryptSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { DeviceState } from '../src/deviceState.ts';
import { FileStateStore } from '../src/node/fileStateStore.ts';

const drawn: Buffer[] = [];
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    randomBytes: (n: number) => {
      const b = real.randomBytes(n);
      drawn.push(b);
      return b;
    },
  };
});

const stateWith = (displayName: string) => ({ v: 1, displayName, conversations: {} }) as unknown as DeviceState;
const home = () => mkdtempSync(join(tmpdir(), 'hl-hostile-'));

describe('FileStateStore against whoever holds the disk', () => {
  it('no state yet: load gives undefined; a state without its key file is a USAGE error, not a guess', async () => {
    const dir = home();
    expect(await new FileStateStore(dir).load()).toBeUndefined();
    await new FileStateStore(dir).save(stateWith('one'));
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'state.key'));
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('creates its folder, and any missing parent, private (0700)', async () => {
    const dir = join(home(), 'config', 'device');
    await new FileStateStore(dir).save(stateWith('one'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('one'));
  });

  it('a key file readable by the group only, or writable by others, is refused too', async () => {
    for (const mode of [0o640, 0o602, 0o610]) {
      const dir = home();
      await new FileStateStore(dir).save(stateWith('one'));
      chmodSync(join(dir, 'state.key'), mode);
      await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'USAGE' });
    }
  });

  it('a save refuses a key file others can read before writing anything', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    const enc = readFileSync(join(dir, 'state.enc'));
    const key = readFileSync(join(dir, 'state.key'));
    chmodSync(join(dir, 'state.key'), 0o644);
    await expect(new FileStateStore(dir).save(stateWith('two'))).rejects.toMatchObject({ code: 'USAGE' });
    expect(readFileSync(join(dir, 'state.enc')).equals(enc)).toBe(true);
    expect(readFileSync(join(dir, 'state.key')).equals(key)).toBe(true);
    expect(existsSync(join(dir, 'state.key.next'))).toBe(false);
  });

  it('a next-key file others can read is refused as well (it opens the state after a crash)', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    writeFileSync(join(dir, 'state.key.next'), Buffer.alloc(32, 7), { mode: 0o644 });
    chmodSync(join(dir, 'state.key.next'), 0o644);
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('a key file of the wrong length is DECODE; a next-key of the wrong length is ignored', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    const key = readFileSync(join(dir, 'state.key'));
    writeFileSync(join(dir, 'state.key.next'), Buffer.alloc(31, 1), { mode: 0o600 });
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('one'));
    expect(readFileSync(join(dir, 'state.key')).equals(key)).toBe(true);
    writeFileSync(join(dir, 'state.key'), Buffer.concat([key, Buffer.from([0])]), { mode: 0o600 });
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'DECODE' });
  });

  it('the state file’s header: another magic is DECODE; the shortest well-formed file (no ciphertext) is CRYPTO', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    const good = readFileSync(join(dir, 'state.enc'));
    const otherMagic = Buffer.from(good);
    otherMagic[0] = 'X'.charCodeAt(0);
    writeFileSync(join(dir, 'state.enc'), otherMagic);
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'DECODE' });
    writeFileSync(join(dir, 'state.enc'), Buffer.concat([Buffer.from('HLS1'), Buffer.alloc(28)]));
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'CRYPTO' });
    writeFileSync(join(dir, 'state.enc'), Buffer.concat([Buffer.from('HLS1'), Buffer.alloc(27)]));
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'DECODE' });
  });

  it('every part of the file is authenticated: the nonce and the tag too', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    const good = readFileSync(join(dir, 'state.enc'));
    for (const at of [4, 15, good.length - 16, good.length - 1, 16]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 0x80;
      writeFileSync(join(dir, 'state.enc'), bad);
      await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'CRYPTO' });
    }
    writeFileSync(join(dir, 'state.enc'), good);
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('one'));
  });

  it('a state that does not open is CRYPTO with the cipher’s own failure as its cause, not a bare message', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    const bad = readFileSync(join(dir, 'state.enc'));
    bad[20]! ^= 0x01;
    writeFileSync(join(dir, 'state.enc'), bad);
    const e = await new FileStateStore(dir).load().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'CRYPTO' });
    expect((e as Error).cause).toBeInstanceOf(Error);
    expect(((e as Error).cause as Error).message).toMatch(/authenticate/);
  });

  it('a state saved under another key (a stale next-key and a foreign state.key) does not open', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    writeFileSync(join(dir, 'state.key'), Buffer.alloc(32, 2), { mode: 0o600 });
    writeFileSync(join(dir, 'state.key.next'), Buffer.alloc(32, 3), { mode: 0o600 });
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'CRYPTO' });
    // Nothing was "finished" with a key that did not open it.
    expect(readFileSync(join(dir, 'state.key')).equals(Buffer.alloc(32, 2))).toBe(true);
  });

  it('opened with state.key (no crash): state.key is not touched', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    const key = readFileSync(join(dir, 'state.key'));
    writeFileSync(join(dir, 'state.key.next'), Buffer.alloc(32, 9), { mode: 0o600 });
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('one'));
    expect(readFileSync(join(dir, 'state.key')).equals(key)).toBe(true);
  });

  it('a new key file is written 0600; the state file too; no temp or next-key file is left', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(stateWith('one'));
    await store.save(stateWith('two'));
    for (const f of ['state.key', 'state.enc']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    for (const f of ['state.key.next', 'state.enc.tmp', 'state.key.tmp', 'state.key.next.tmp']) expect(existsSync(join(dir, f))).toBe(false);
  });

  it('the key drawn for a save is zeroed in memory once written', async () => {
    const dir = home();
    drawn.length = 0;
    await new FileStateStore(dir).save(stateWith('one'));
    const keys = drawn.filter((b) => b.length === 32);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.every((b) => b === 0)).toBe(true);
    // And it was the key: the file holds what it was before zeroing.
    expect(readFileSync(join(dir, 'state.key')).every((b) => b === 0)).toBe(false);
  });

  it('a wipe leaves no file that opens, the key zeroed first, the temp files gone', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(stateWith('one'));
    for (const f of ['state.enc.tmp', 'state.key.next.tmp', 'state.key.next']) writeFileSync(join(dir, f), 'x');
    await store.wipe();
    for (const f of ['state.key', 'state.enc', 'state.enc.tmp', 'state.key.next', 'state.key.next.tmp']) expect(existsSync(join(dir, f))).toBe(false);
    expect(await new FileStateStore(dir).load()).toBeUndefined();
    await store.wipe(); // twice is fine
  });

  it('the old key’s own blocks are overwritten: a second name for the key file (a hard link) shows the new key, then zeros after a wipe', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(stateWith('one'));
    const old = readFileSync(join(dir, 'state.key'));
    const ino = statSync(join(dir, 'state.key')).ino;
    linkSync(join(dir, 'state.key'), join(dir, 'other-name'));
    await store.save(stateWith('two'));
    expect(statSync(join(dir, 'state.key')).ino).toBe(ino);
    const now = readFileSync(join(dir, 'other-name'));
    expect(now.equals(old)).toBe(false);
    expect(now.equals(readFileSync(join(dir, 'state.key')))).toBe(true);
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('two'));
    await store.wipe();
    const after = readFileSync(join(dir, 'other-name'));
    expect(after).toHaveLength(32);
    expect(after.every((b) => b === 0)).toBe(true);
  });

  it('saves leave no file descriptor open', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(stateWith('warm'));
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 20; i++) await store.save(stateWith(`n${i}`));
    await store.wipe();
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before);
  });

  it('the passphrase key is scrypt with N = 2^15, r = 8, p = 1 over the stored salt (a state written by that opens)', async () => {
    const dir = home();
    const salt = realRandomBytes(16);
    writeFileSync(join(dir, 'state.salt'), salt);
    const key = scryptSync('pw', salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const iv = realRandomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([c.update(JSON.stringify(stateWith('by hand'))), c.final()]);
    writeFileSync(join(dir, 'state.enc'), Buffer.concat([Buffer.from('HLS1'), iv, ct, c.getAuthTag()]));
    expect(await new FileStateStore(dir, 'pw').load()).toEqual(stateWith('by hand'));
  });

  it('passphrase mode: no salt is USAGE; the salt is written once and kept; the key file is not used', async () => {
    const dir = home();
    await expect(new FileStateStore(dir, 'pw').load()).resolves.toBeUndefined();
    writeFileSync(join(dir, 'state.enc'), Buffer.concat([Buffer.from('HLS1'), Buffer.alloc(40)]));
    await expect(new FileStateStore(dir, 'pw').load()).rejects.toMatchObject({ code: 'USAGE' });
    const store = new FileStateStore(dir, 'pw');
    await store.save(stateWith('one'));
    const salt = readFileSync(join(dir, 'state.salt'));
    expect(salt).toHaveLength(16);
    expect(statSync(join(dir, 'state.salt')).mode & 0o777).toBe(0o600);
    await store.save(stateWith('two'));
    expect(readFileSync(join(dir, 'state.salt')).equals(salt)).toBe(true);
    expect(existsSync(join(dir, 'state.key'))).toBe(false);
    expect(await new FileStateStore(dir, 'pw').load()).toEqual(stateWith('two'));
    // An empty passphrase is a passphrase, not "no passphrase".
    const d2 = home();
    await new FileStateStore(d2, '').save(stateWith('e'));
    expect(existsSync(join(d2, 'state.key'))).toBe(false);
    expect(await new FileStateStore(d2, '').load()).toEqual(stateWith('e'));
  });
});
