/**
 * @module dataDirAccess.test
 * The data folder is the relay account's alone. A folder another local user could read (an
 * old deployment's 0755 with 0644 files) is tightened at start and the relay says so; one it
 * cannot tighten is refused before anything is written into it.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { HardlineError } from '@hardline/protocol';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';

const mode = (p: string): number => statSync(p).mode & 0o777;

it('a world-readable data folder and its files are made private at start, and the relay says so', async () => {
  const dir = join(tmpDir(), 'data');
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'relay.db'), '');
  chmodSync(join(dir, 'relay.db'), 0o644);
  const relay = await startTestRelay({ dataDir: dir });
  expect(mode(dir)).toBe(0o700);
  expect(mode(join(dir, 'relay.db'))).toBe(0o600);
  expect(mode(join(dir, 'relay.db-wal'))).toBe(0o600);
  expect(relay.logs.some((l) => l.includes(dir) && l.includes('0755') && l.includes('0700'))).toBe(true);
  expect(relay.logs.some((l) => l.includes('relay.db') && l.includes('0644') && l.includes('0600'))).toBe(true);
  await relay.close();
});

it('a data folder that cannot be made private is refused, with nothing written into it', async () => {
  // Root may chmod almost anything; /proc's directories refuse even root.
  const dir = '/proc/self/fdinfo';
  const error = (() => {
    try {
      new SqliteRelayStore(dir, { notice: () => {} });
    } catch (e) {
      return e;
    }
  })();
  expect(error).toBeInstanceOf(HardlineError);
  expect(error).toMatchObject({ code: 'FORBIDDEN' });
  expect((error as Error).message).toMatch(/refusing to start: data folder \/proc\/self\/fdinfo has mode 0555/);
  await expect(startTestRelay({ dataDir: dir })).rejects.toMatchObject({ code: 'FORBIDDEN' });
});
