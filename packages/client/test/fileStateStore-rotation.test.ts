/**
 * The key file rotates on every save (so an old copy of the state cannot be opened with the key
 * the device holds later), and a crash at any step of a save still leaves a state that opens.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../src/deviceState.ts';
import { FileStateStore } from '../src/node/fileStateStore.ts';

const stateWith = (displayName: string) => ({ v: 1, displayName, conversations: {} }) as unknown as DeviceState;
const home = () => mkdtempSync(join(tmpdir(), 'hl-rotate-'));

describe('FileStateStore key rotation', () => {
  it('every save writes a new key; the old state file does not open with it', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(stateWith('one'));
    const k1 = readFileSync(join(dir, 'state.key'));
    const old = readFileSync(join(dir, 'state.enc'));
    await store.save(stateWith('two'));
    expect(readFileSync(join(dir, 'state.key')).equals(k1)).toBe(false);
    expect(existsSync(join(dir, 'state.key.next'))).toBe(false);
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('two'));
    writeFileSync(join(dir, 'state.enc'), old);
    await expect(new FileStateStore(dir).load()).rejects.toMatchObject({ code: 'CRYPTO' });
  });

  it('a crash after the new state but before the new key file: load opens it with state.key.next and finishes', async () => {
    const dir = home();
    const store = new FileStateStore(dir);
    await store.save(stateWith('one'));
    const k1 = readFileSync(join(dir, 'state.key'));
    await store.save(stateWith('two'));
    const k2 = readFileSync(join(dir, 'state.key'));
    // As the disk was between steps 2 and 3: new state, old key file, new key beside it.
    writeFileSync(join(dir, 'state.key'), k1, { mode: 0o600 });
    writeFileSync(join(dir, 'state.key.next'), k2, { mode: 0o600 });
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('two'));
    expect(readFileSync(join(dir, 'state.key')).equals(k2)).toBe(true);
  });

  it('a crash after writing the next key only: the old state still opens with state.key', async () => {
    const dir = home();
    await new FileStateStore(dir).save(stateWith('one'));
    writeFileSync(join(dir, 'state.key.next'), Buffer.alloc(32, 1), { mode: 0o600 });
    expect(await new FileStateStore(dir).load()).toEqual(stateWith('one'));
  });
});
