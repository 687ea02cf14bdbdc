/**
 * Device state at rest: encrypted under a 0600 key file or a passphrase; a wrong passphrase, a
 * corrupt file or a key file others can read each give a typed error and change nothing.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../src/deviceState.ts';
import { FileStateStore } from '../src/node/fileStateStore.ts';

const state = {
  v: 1,
  server: 'http://127.0.0.1:1/',
  suite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  userId: 'u',
  deviceId: 'd',
  handle: 'alice-secret-handle',
  displayName: 'Alice',
  signKey: 'k',
  signPub: 'p',
  keyPackages: {},
  conversations: {},
  directory: [],
  outbox: [],
  seen: [],
  revoked: false,
} as unknown as DeviceState;

const home = () => mkdtempSync(join(tmpdir(), 'hl-state-'));

describe('FileStateStore', () => {
  it('encrypts under a 0600 key file', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(state);
    expect(statSync(join(dir, 'state.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'state.enc')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'state.enc')).includes(Buffer.from('alice-secret-handle'))).toBe(false);
    expect(await new FileStateStore(dir).load()).toEqual(state);
  });

  it('refuses a key file that others can read', async () => {
    const dir = home();
    await new FileStateStore(dir).save(state);
    chmodSync(join(dir, 'state.key'), 0o644);
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('encrypts under a passphrase; a wrong one is a CRYPTO error and loses nothing', async () => {
    const dir = home();
    await new FileStateStore(dir, 'correct horse').save(state);
    const before = readFileSync(join(dir, 'state.enc'));
    await expect(new FileStateStore(dir, 'wrong').load()).rejects.toMatchObject({ code: 'CRYPTO' });
    expect(readFileSync(join(dir, 'state.enc'))).toEqual(before);
    expect(await new FileStateStore(dir, 'correct horse').load()).toEqual(state);
  });

  it('reports a corrupt or truncated state file', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(state);
    const good = readFileSync(join(dir, 'state.enc'));
    writeFileSync(join(dir, 'state.enc'), good.subarray(0, 10));
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'DECODE' });
    const flipped = Buffer.from(good);
    flipped[40]! ^= 1;
    writeFileSync(join(dir, 'state.enc'), flipped);
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'CRYPTO' });
  });
});
