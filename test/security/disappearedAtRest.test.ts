/**
 * A message that disappeared is gone from the device at rest (packages/client/src/node/
 * fileStateStore.ts): after `forgetMessages`, no file in the home folder holds its text, raw or
 * decrypted with any key file found there, and a copy of the state file taken while the message
 * was still there (a backup, a synced folder, blocks the rename freed) no longer opens with the
 * key the device holds, because every save rotates that key.
 */
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cliHarness.ts';
import { pairOnDisk } from '../support/deviceOnDisk.ts';

const SECRET = 'the vault code is 4711-disappearing';

const pair = pairOnDisk();

/** Every regular file under `dir`, with its bytes. */
function filesIn(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

/** What a thief holding `keys` reads from a state file's bytes (undefined if nothing opens it). */
function openWithAny(bytes: Buffer, keys: readonly Buffer[]): string | undefined {
  if (bytes.length < 32 || !bytes.subarray(0, 4).equals(Buffer.from('HLS1'))) return undefined;
  for (const key of keys) {
    try {
      const d = createDecipheriv('aes-256-gcm', key, bytes.subarray(4, 16));
      d.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([d.update(bytes.subarray(16, bytes.length - 16)), d.final()]).toString('utf8');
    } catch {
      // not this key
    }
  }
  return undefined;
}

/** Every 32-byte file in the home folder may be a key: the thief tries them all. */
const keysIn = (files: readonly { bytes: Buffer }[]) => files.filter((f) => f.bytes.length === 32).map((f) => f.bytes);

describe('a disappeared message at rest', () => {
  it('leaves no plaintext in the home folder, and an older copy of the state no longer opens', async () => {
    await pair.alice.client.send('bob', SECRET);
    await pair.bob.client.sync({ waitMs: 3_000 });
    const conv = pair.bob.client.conversations().find((c) => c.messages.some((m) => m.text === SECRET))!;
    expect(conv).toBeDefined();

    // While the message is there, the thief's method works: that is what gives the checks below teeth.
    const before = filesIn(pair.bob.home);
    expect(before.some((f) => openWithAny(f.bytes, keysIn(before))?.includes(SECRET))).toBe(true);
    const backup = tempDir('bob-backup');
    cpSync(pair.bob.home, backup, { recursive: true });
    const oldState = readFileSync(join(backup, 'state.enc'));

    await pair.bob.client.forgetMessages(conv.id, conv.messages.filter((m) => m.text === SECRET).map((m) => m.id));

    const after = filesIn(pair.bob.home);
    const keys = keysIn(after);
    for (const f of after) {
      expect(f.bytes.includes(Buffer.from(SECRET)), f.path).toBe(false);
      expect(openWithAny(f.bytes, keys)?.includes(SECRET) ?? false, f.path).toBe(false);
    }
    // The state still opens (the device works), just without the message.
    expect(after.some((f) => openWithAny(f.bytes, keys) !== undefined)).toBe(true);
    // The copy taken before: the device's keys today do not open it.
    expect(openWithAny(oldState, keys)).toBeUndefined();
  });
});
