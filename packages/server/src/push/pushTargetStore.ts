/**
 * @module pushTargetStore
 * `push.db`, beside the relay's database: the relay's VAPID key pair (RFC 8292) and one sealed
 * wake-up target per mailbox (pushTargetSeal.ts). There is no device, user or handle column:
 * a row says only "this mailbox has a wake-up target", and opening it needs the mailbox's send
 * capability. Like keypackages.db it uses a rollback journal cut to zero bytes at each commit
 * and secure_delete, so a replaced or removed target leaves no old image in any file.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import webpush from 'web-push';
import type { MailboxId } from '@hardline/protocol';
import { openPrivateDatabase } from '../store/privateDatabase.ts';

export const PUSH_FILE_NAME = 'push.db';

export type VapidKeys = { readonly publicKey: string; readonly privateKey: string };

export class PushTargetStore {
  readonly #db: Database.Database;
  readonly #s;
  readonly vapid: VapidKeys;

  constructor(dataDir: string) {
    const db = openPrivateDatabase(join(dataDir, PUSH_FILE_NAME), { journal: 'erasing' });
    db.exec(`
      CREATE TABLE IF NOT EXISTS vapid (one INTEGER PRIMARY KEY CHECK (one = 1), public_key TEXT NOT NULL, private_key TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS targets (mailbox_id TEXT PRIMARY KEY, sealed BLOB NOT NULL) WITHOUT ROWID;
    `);
    let keys = db.prepare<[], { public_key: string; private_key: string }>('SELECT public_key, private_key FROM vapid').get();
    if (!keys) {
      // Made once and kept: browsers bind a subscription to the key it was made with.
      const made = webpush.generateVAPIDKeys();
      db.prepare('INSERT INTO vapid (one, public_key, private_key) VALUES (1, ?, ?)').run(made.publicKey, made.privateKey);
      keys = { public_key: made.publicKey, private_key: made.privateKey };
    }
    this.vapid = { publicKey: keys.public_key, privateKey: keys.private_key };
    this.#db = db;
    this.#s = {
      put: db.prepare('INSERT INTO targets (mailbox_id, sealed) VALUES (?, ?) ON CONFLICT (mailbox_id) DO UPDATE SET sealed = excluded.sealed'),
      get: db.prepare<[string], { sealed: Buffer }>('SELECT sealed FROM targets WHERE mailbox_id = ?'),
      delete: db.prepare('DELETE FROM targets WHERE mailbox_id = ?'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM targets'),
    };
  }

  /** One commit per mailbox: two mailboxes of one device never share a transaction. */
  put(mailboxId: MailboxId, sealed: Buffer): void {
    this.#s.put.run(mailboxId, sealed);
  }

  get(mailboxId: MailboxId): Buffer | undefined {
    return this.#s.get.get(mailboxId)?.sealed;
  }

  delete(mailboxId: MailboxId): void {
    this.#s.delete.run(mailboxId);
  }

  count(): number {
    return this.#s.count.get()?.n ?? 0;
  }

  close(): void {
    this.#db.close();
  }
}
