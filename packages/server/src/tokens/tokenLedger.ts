/**
 * @module tokenLedger
 * The Privacy Pass issuer's state, in its own SQLite file beside the relay's database
 * (tokens.db): the issuer keys, and the nonces of spent tokens so that each token pays once.
 *
 * What a copy of this file gives: the issuer keys (enough to mint tokens, that is to spend the
 * relay's own quotas, never to name who spent one) and a set of random nonces with no time,
 * device or action beside them. Issuance is blinded, so no row here or in relay.db links a
 * spent nonce to the device that fetched it (docs/protocol.md §8).
 *
 * Keys rotate every `tokenKeyLifetimeDays`. The previous key is still honoured for one more
 * lifetime, so a wallet filled just before a rotation stays good; nonces of keys older than
 * that are deleted, which bounds the file to two lifetimes of spending.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { toHex } from '@hardline/protocol';
import { generateTokenKey, tokenKeyId, type TokenKeyPair } from '@hardline/protocol/tokens';
import { openPrivateDatabase } from '../store/privateDatabase.ts';

export const TOKEN_FILE_NAME = 'tokens.db';

/**
 * What a token pays for. Each purpose has its own keys and its own daily budget, because they
 * cost the relay differently: a claim makes a mailbox (held to the mailbox quota), a blob takes
 * up to 2 MiB for as long as it lives, a TURN credential lets its holder relay media for an hour.
 * The route already says which action it is, so a key per purpose tells the relay nothing more.
 */
export const TOKEN_PURPOSES = ['claim', 'blob', 'turn'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export type IssuerKey = TokenKeyPair & { readonly id: string; readonly purpose: TokenPurpose; readonly createdAt: number };

export class TokenLedger {
  readonly #db: Database.Database;
  readonly #s;

  constructor(dataDir: string) {
    // synchronous FULL: a spend acknowledged and then lost in a crash could be spent twice.
    const db = openPrivateDatabase(join(dataDir, TOKEN_FILE_NAME), { journal: 'wal' });
    db.exec(`
      CREATE TABLE IF NOT EXISTS issuer_keys (id TEXT PRIMARY KEY, purpose TEXT NOT NULL, private_key BLOB NOT NULL, public_key BLOB NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS spent (key_id TEXT NOT NULL, nonce BLOB NOT NULL, PRIMARY KEY (key_id, nonce)) WITHOUT ROWID;
    `);
    this.#db = db;
    this.#s = {
      keys: db.prepare<[string], { id: string; private_key: Buffer; public_key: Buffer; created_at: number }>('SELECT * FROM issuer_keys WHERE purpose = ? ORDER BY created_at DESC, rowid DESC'),
      addKey: db.prepare('INSERT INTO issuer_keys (id, purpose, private_key, public_key, created_at) VALUES (?, ?, ?, ?, ?)'),
      dropKey: db.prepare('DELETE FROM issuer_keys WHERE id = ?'),
      dropSpent: db.prepare('DELETE FROM spent WHERE key_id = ?'),
      spend: db.prepare('INSERT OR IGNORE INTO spent (key_id, nonce) VALUES (?, ?)'),
    };
  }

  /** Newest first: the purpose's current key, then the one it replaced (if still honoured). */
  keys(purpose: TokenPurpose): IssuerKey[] {
    return this.#s.keys.all(purpose).map((r) => ({ id: r.id, purpose, privateKey: new Uint8Array(r.private_key), publicKey: new Uint8Array(r.public_key), createdAt: r.created_at }));
  }

  /** Makes a new current key for the purpose and retires all but its newest two, with their nonces. */
  async rotate(purpose: TokenPurpose, now: number): Promise<IssuerKey> {
    const pair = await generateTokenKey();
    const key: IssuerKey = { ...pair, id: toHex(await tokenKeyId(pair.publicKey)), purpose, createdAt: now };
    this.#db.transaction(() => {
      this.#s.addKey.run(key.id, purpose, Buffer.from(key.privateKey), Buffer.from(key.publicKey), key.createdAt);
      for (const old of this.keys(purpose).slice(2)) {
        this.#s.dropSpent.run(old.id);
        this.#s.dropKey.run(old.id);
      }
    })();
    return key;
  }

  /** Records the spend; false if this token was spent before. */
  spend(keyId: string, nonce: Uint8Array): boolean {
    return this.#s.spend.run(keyId, Buffer.from(nonce)).changes === 1;
  }

  close(): void {
    this.#db.close();
  }
}
