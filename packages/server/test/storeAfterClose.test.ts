/**
 * @module storeAfterClose.test
 * A closed relay store (sqliteRelayStore.ts close): the relay closes it on shutdown, and the
 * CLI closes the one it opens beside a running relay. Once closed, its SQLite handle is gone:
 * a read through a stale reference must fail loudly, not go on reading a file the process
 * believes it let go of (and whose WAL and locks it still held).
 */
import { expect, it } from 'vitest';
import { MetaKeys } from '../src/store/relayStore.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

it('a store used after close fails, and a second close is harmless', async () => {
  const store = new SqliteRelayStore(tmpDir(), { notice: () => {} });
  await store.setMeta(MetaKeys.SUITE, 'written');
  expect(await store.getMeta(MetaKeys.SUITE)).toBe('written');
  await store.close();
  await expect(store.getMeta(MetaKeys.SUITE)).rejects.toThrow(/not open/);
  await expect(store.close()).resolves.toBeUndefined();
});
