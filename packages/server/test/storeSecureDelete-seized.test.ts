/**
 * @module storeSecureDelete-seized.test
 * A copy of relay.db taken after an envelope was acknowledged. The store opens the file with
 * secure_delete (sqliteRelayStore.ts constructor): SQLite then zeroes a deleted row's bytes in
 * its page. Without it the body stays in the page's free space, and anyone who carves the file
 * finds what was delivered, long after the reader acknowledged it. Every commit is checkpointed
 * and the WAL truncated, so the main file is the whole disk image here.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { EnvelopeId, MailboxId } from '@hardline/protocol';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

it('an acknowledged envelope leaves no byte of its body in a carved copy of relay.db', async () => {
  const dir = tmpDir();
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const mailbox = randomBytes(16).toString('hex') as MailboxId;
  const gone = randomBytes(16).toString('hex') as EnvelopeId;
  const kept = randomBytes(16).toString('hex') as EnvelopeId;
  const goneBody = Buffer.concat([Buffer.from('ACKED-BODY-MARKER-'), randomBytes(200)]);
  const keptBody = Buffer.concat([Buffer.from('KEPT-BODY-MARKER-'), randomBytes(200)]);
  const now = Date.now();
  expect(await store.putEnvelope(mailbox, gone, goneBody, now)).toMatchObject({ status: 'stored' });
  expect(await store.putEnvelope(mailbox, kept, keptBody, now)).toMatchObject({ status: 'stored' });
  expect(await store.ackEnvelopes([[mailbox, gone]], now)).toBe(1);
  await store.close();

  const path = join(dir, SQLITE_FILE_NAME);
  const disk = Buffer.concat([readFileSync(path), existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0)]);
  // The envelope still waiting is there: the carve reads the right file.
  expect(disk.includes(keptBody)).toBe(true);
  expect(disk.includes(goneBody.subarray(0, 64))).toBe(false);
  expect(disk.includes(Buffer.from(gone, 'hex'))).toBe(false);
});
