/**
 * @module sqliteRelayStore
 * RelayStore on SQLite (better-sqlite3): relay.db in WAL mode with synchronous=FULL, writes
 * batched per event-loop turn (turnBatcher.ts), and unclaimed KeyPackages apart in
 * keypackages.db (keyPackagePool.ts). Reads run synchronously against committed state.
 *
 * What a copy of the data folder, taken at any moment, must not show (docs/protocol.md §8):
 * a mailbox next to the device it belongs to, or two mailboxes created together. A claim
 * therefore first removes the KeyPackage from the pool (committed: in no file any more), then
 * creates the mailbox in a commit of its own and checkpoints the WAL with TRUNCATE, so the WAL
 * never holds two mailbox creations, and never one beside the account-side rows of a claim.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { DeviceId, EnvelopeId, Handle, MailboxId, UserId } from '@hardline/protocol';
import { BoundedCache } from '../boundedCache.ts';
import { RelayError } from '../errors/relayError.ts';
import { rotateAdminToken } from '../session/adminToken.ts';
import { secureDataDir, secureDataFiles } from './dataDirAccess.ts';
import { dayNumber } from './day.ts';
import { KeyPackagePool } from './keyPackagePool.ts';
import { MailboxSeqs, type NextRow, type SeqReaders } from './mailboxSeqs.ts';
import { migrate } from './migrate.ts';
import { openPrivateDatabase } from './privateDatabase.ts';
import type { PostSeries } from './postSeries.ts';
import { appendLogLeaf, SqliteTransparencyLog } from './sqliteTransparencyLog.ts';
import { SqliteOrgLedger } from '../org/sqliteOrgLedger.ts';
import type {
  BlobPutResult,
  BlobRecord,
  BlobSpace,
  BlobUsage,
  ClaimedKeyPackage,
  DeviceRecord,
  DirectoryUser,
  EnrolRequest,
  EnrolResult,
  LastResortMailboxFor,
  MailboxQuota,
  MailboxRecord,
  MailboxUsage,
  MetaKey,
  NewCode,
  NewKeyPackage,
  ProfileUpdate,
  PrunePolicy,
  PruneResult,
  PutResult,
  RelayStore,
  StoredEnvelope,
} from './relayStore.ts';
import { RETIRED_SEND_CAP_HASH } from './relayStore.ts';
import { tombstoneHash } from './tombstone.ts';
import { TurnBatcher } from './turnBatcher.ts';

export const SQLITE_FILE_NAME = 'relay.db';
const MAILBOX_CACHE_SIZE = 100_000;

type CodeRow = { kind: string; user_id: string | null; handle: string | null; expires_at: number };
type DeviceRow = { id: string; user_id: string; public_key: Buffer; revoked: number; handle: string };
type MailboxRow = { read_cap_hash: Buffer; send_cap_hash: Buffer };

export type SqliteRelayStoreOptions = {
  /** Where to say that the data folder's modes were tightened; default stderr. */
  readonly notice?: (line: string) => void;
};

const hexBuf = (hex: string): Buffer => Buffer.from(hex, 'hex');

export class SqliteRelayStore implements RelayStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #batcher: TurnBatcher;
  readonly #dataDir: string;
  readonly #notice: (line: string) => void;
  #openedPool: KeyPackagePool | undefined;
  readonly #s;
  /**
   * Mailbox rows never change once created, and every post looks one up; caching them saves a
   * query per post. Bounded; on overflow it simply starts over.
   */
  readonly #mailboxCache = new BoundedCache<MailboxId, MailboxRecord>(MAILBOX_CACHE_SIZE);
  /**
   * What each mailbox with envelopes waiting holds, for the quota check on every post: seeded
   * by one indexed count the first time a mailbox is posted to, then kept up by putEnvelope and
   * ackEnvelopes (the only writers of `envelopes`), so no post scans its mailbox. In memory
   * only: nothing new on disk. Bounded like the mailbox cache; dropped whenever a batch fails,
   * since its rows may not have been written.
   */
  readonly #usage = new BoundedCache<MailboxId, { envelopes: number; bytes: number }>(MAILBOX_CACHE_SIZE);
  /**
   * Each mailbox's next seq, counted within the mailbox and in memory only (mailboxSeqs.ts):
   * nothing on disk orders envelopes across mailboxes. Never dropped when a batch fails: a
   * counter ahead of the rows leaves a gap, which is harmless; one behind would not be.
   */
  readonly #seqs = new MailboxSeqs(MAILBOX_CACHE_SIZE);
  /** All blobs together, for the blob space; undefined until first needed, or after pruning. */
  #blobTotals: { blobs: number; bytes: number } | undefined;
  #closed = false;
  readonly transparencyLog: SqliteTransparencyLog;
  readonly org: SqliteOrgLedger;

  constructor(dataDir: string, options: SqliteRelayStoreOptions = {}) {
    const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
    secureDataDir(dataDir, notice);
    this.path = join(dataDir, SQLITE_FILE_NAME);
    // secureDelete: zero deleted content in place, free pages included, so acknowledged
    // envelopes do not linger in a seized file. (WAL frames are another matter: see the batcher.)
    const db = openPrivateDatabase(this.path, { journal: 'wal', secureDelete: true, foreignKeys: true });
    secureDataFiles(dataDir, notice);
    this.#dataDir = dataDir;
    this.#notice = notice;
    const hadKeyPackages = moveLegacyKeyPackages(db, () => this.#pool);
    const schemaBefore = db.pragma('user_version', { simple: true });
    migrate(db);
    // A migration's dropped pages are zeroed (secure_delete) in the WAL's newest images; the
    // checkpoint puts them over the old ones in the main file and empties the WAL.
    if (db.pragma('user_version', { simple: true }) !== schemaBefore) db.pragma('wal_checkpoint(TRUNCATE)');
    if (hadKeyPackages) {
      // The dropped table's pages are zeroed, but their old images sit in the WAL and VACUUM
      // rewrites the file without them; TRUNCATE then empties the WAL.
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    this.#db = db;
    this.transparencyLog = new SqliteTransparencyLog(db);
    this.org = new SqliteOrgLedger(db);
    // Every commit is checkpointed into the main file and the WAL truncated to zero bytes.
    // WAL frames are in commit order, which is time order: left to accumulate, they show a
    // post into one mailbox followed by the reply into another, which pairs the two. This way
    // the WAL holds at most one commit, and only until the checkpoint returns; the main file
    // keeps rows in key order. Cost: BENCHMARKS.md, "Seized disk".
    this.#batcher = new TurnBatcher(db, () => db.pragma('wal_checkpoint(TRUNCATE)'));
    this.#s = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      insertCode: db.prepare('INSERT INTO codes (hash, kind, user_id, handle, expires_at) VALUES (?, ?, ?, ?, ?)'),
      getCode: db.prepare<[Buffer], CodeRow>('SELECT kind, user_id, handle, expires_at FROM codes WHERE hash = ?'),
      deleteCode: db.prepare('DELETE FROM codes WHERE hash = ?'),
      userByHandle: db.prepare<[string], { id: string; handle: string }>('SELECT id, handle FROM users WHERE handle = ?'),
      userById: db.prepare<[string], { id: string; handle: string }>('SELECT id, handle FROM users WHERE id = ?'),
      insertUser: db.prepare('INSERT INTO users (id, handle, display_name) VALUES (?, ?, ?)'),
      insertDevice: db.prepare('INSERT INTO devices (id, user_id, public_key) VALUES (?, ?, ?)'),
      getDevice: db.prepare<[string], DeviceRow>(
        'SELECT d.id, d.user_id, d.public_key, d.revoked, u.handle FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ?',
      ),
      allUsers: db.prepare<[], { id: string; handle: string; display_name: string; phone: string | null; email: string | null; identity_key: string | null }>(
        'SELECT id, handle, display_name, phone, email, identity_key FROM users ORDER BY handle',
      ),
      setIdentityKey: db.prepare('UPDATE users SET identity_key = ? WHERE id = ?'),
      setCertificate: db.prepare('UPDATE devices SET certificate = ? WHERE id = ?'),
      setRevocation: db.prepare('UPDATE devices SET revocation = ? WHERE id = ?'),
      setDisplayName: db.prepare('UPDATE users SET display_name = ? WHERE id = ?'),
      setPhone: db.prepare('UPDATE users SET phone = ? WHERE id = ?'),
      setEmail: db.prepare('UPDATE users SET email = ? WHERE id = ?'),
      getBlob: db.prepare<[Buffer], { cap_hash: Buffer; version: number; data: Buffer }>('SELECT cap_hash, version, data FROM blobs WHERE id = ?'),
      insertBlob: db.prepare('INSERT INTO blobs (id, cap_hash, version, data, last_day) VALUES (?, ?, 1, ?, ?)'),
      updateBlob: db.prepare('UPDATE blobs SET version = version + 1, data = ?, last_day = ? WHERE id = ? AND version = ?'),
      blobHead: db.prepare<[Buffer], { cap_hash: Buffer; version: number; size: number }>('SELECT cap_hash, version, length(data) AS size FROM blobs WHERE id = ?'),
      blobLastDay: db.prepare<[Buffer], { last_day: number }>('SELECT last_day FROM blobs WHERE id = ?'),
      touchBlob: db.prepare('UPDATE blobs SET last_day = ? WHERE id = ? AND last_day < ?'),
      blobTotals: db.prepare<[], { n: number; b: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(length(data)), 0) AS b FROM blobs'),
      pruneBlobs: db.prepare('DELETE FROM blobs WHERE last_day < ?'),
      liveDevices: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM devices WHERE revoked = 0'),
      allDevices: db.prepare<[], { id: string; user_id: string; public_key: Buffer; revoked: number; certificate: string | null; revocation: string | null }>(
        'SELECT id, user_id, public_key, revoked, certificate, revocation FROM devices ORDER BY rowid',
      ),
      revokeDevice: db.prepare('UPDATE devices SET revoked = 1 WHERE id = ?'),
      liveDevicesOfUser: db.prepare<[string], { id: string }>('SELECT id FROM devices WHERE user_id = ? AND revoked = 0'),
      insertMailbox: db.prepare('INSERT OR IGNORE INTO mailboxes (id, read_cap_hash, send_cap_hash) VALUES (?, ?, ?)'),
      getMailbox: db.prepare<[Buffer], MailboxRow>('SELECT read_cap_hash, send_cap_hash FROM mailboxes WHERE id = ?'),
      retireMailbox: db.prepare('UPDATE mailboxes SET send_cap_hash = ? WHERE id = ?'),
      tombstoneExists: db.prepare<[Buffer], { one: number }>('SELECT 1 AS one FROM tombstones WHERE hash = ?'),
      // The slot (rowid) runs on from the mailbox's random base (mailboxSeqs.ts): rows stand in
      // the table by mailbox, not in order of arrival (migration 012). Only the envelope id's
      // conflict is a duplicate: a seq or slot conflict must fail loudly, never be taken for a
      // duplicate, which would drop the envelope.
      insertEnvelope: db.prepare('INSERT INTO envelopes (slot, mailbox_id, seq, envelope_id, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (mailbox_id, envelope_id) DO NOTHING'),
      // The last entry of envelopes_mailbox_seq for the mailbox: one b-tree descent.
      newestRow: db.prepare<[Buffer], { seq: bigint; slot: bigint }>('SELECT seq, slot FROM envelopes WHERE mailbox_id = ? ORDER BY seq DESC LIMIT 1').safeIntegers(true),
      listEnvelopes: db.prepare<[Buffer, number, number], { seq: number; envelope_id: Buffer; body: Buffer }>(
        'SELECT seq, envelope_id, body FROM envelopes WHERE mailbox_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      // The only DELETE of envelopes: it returns the size so that the mailbox's count in memory
      // (#usage) follows. Any other way of deleting envelopes must drop that count.
      deleteEnvelopeSized: db.prepare<[Buffer, Buffer], { size: number }>('DELETE FROM envelopes WHERE mailbox_id = ? AND envelope_id = ? RETURNING length(body) AS size'),
      envelopeExists: db.prepare<[Buffer, Buffer], { one: number }>('SELECT 1 AS one FROM envelopes WHERE mailbox_id = ? AND envelope_id = ?'),
      // Served by the envelopes_id index (mailbox_id first); length() reads no blob content.
      mailboxUsage: db.prepare<[Buffer], { n: number; b: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(length(body)), 0) AS b FROM envelopes WHERE mailbox_id = ?'),
      insertTombstone: db.prepare('INSERT OR IGNORE INTO tombstones (hash, day) VALUES (?, ?)'),
      insertLock: db.prepare('INSERT OR IGNORE INTO locks (token, day) VALUES (?, ?)'),
      pruneCodes: db.prepare('DELETE FROM codes WHERE expires_at < ?'),
      pruneTombstones: db.prepare('DELETE FROM tombstones WHERE day < ?'),
      pruneLocks: db.prepare('DELETE FROM locks WHERE day < ?'),
    };
  }

  /**
   * Opened on first use, not at start: `hardline admin token --rotate` opens this store beside
   * a running relay, and opening the pool drops the rows it cannot read, the relay's own.
   */
  get #pool(): KeyPackagePool {
    if (this.#openedPool) return this.#openedPool;
    const pool = new KeyPackagePool(this.#dataDir);
    if (pool.discarded > 0) {
      this.#notice(`dropped ${pool.discarded} KeyPackages sealed by the previous run (their key lived only in its memory); devices upload new ones on their next sync`);
    }
    return (this.#openedPool = pool);
  }

  async getMeta(key: MetaKey): Promise<string | undefined> {
    return this.#s.getMeta.get(key)?.value;
  }

  setMeta(key: MetaKey, value: string): Promise<void> {
    return this.#batcher.enqueue(() => {
      this.#s.setMeta.run(key, value);
    });
  }

  /**
   * `hardline admin token --rotate`, run on the relay's host against its data directory: the
   * CLI reaches the token's rules through the one store it opens. Returns the new token.
   */
  rotateAdminToken(): Promise<string> {
    return rotateAdminToken(this);
  }

  createCode(code: NewCode): Promise<void> {
    return this.#batcher.enqueue(() => {
      this.#s.insertCode.run(Buffer.from(code.hash), code.kind, code.userId ?? null, code.handle ?? null, code.expiresAt);
    });
  }

  async enrol(r: EnrolRequest): Promise<EnrolResult> {
    const result = await this.#batcher.enqueue((): EnrolResult => {
      const s = this.#s;
      const hash = Buffer.from(r.codeHash);
      const code = s.getCode.get(hash);
      if (!code || code.expires_at < r.now) throw new RelayError('BAD_CODE', 'unknown, used or expired code');
      let userId: UserId;
      let handle = r.handle;
      const revokedDevices: DeviceId[] = [];
      if (code.kind === 'invite') {
        if (code.handle !== null && code.handle !== r.handle) throw new RelayError('BAD_CODE', 'this code is for another handle');
        const existing = s.userByHandle.get(r.handle);
        if (existing && code.handle === null) throw new RelayError('CONFLICT', 'handle already taken');
        if (existing) {
          // Re-enrolment: the security team named this handle, so the person lost their devices.
          // The new device replaces all of them in the same transaction; the old ones are revoked,
          // which removes them from every conversation and changes the person's safety number.
          userId = existing.id as UserId;
          for (const d of s.liveDevicesOfUser.all(existing.id)) {
            s.revokeDevice.run(d.id);
            revokedDevices.push(d.id as DeviceId);
          }
        } else {
          userId = r.newUserId;
          s.insertUser.run(userId, r.handle, r.displayName);
        }
        // A new person, or one re-enrolled after losing every device: a new identity key.
        if (r.identityKey !== undefined) {
          s.setIdentityKey.run(r.identityKey, userId);
          if (r.identityKeyLeaf) appendLogLeaf(this.#db, r.identityKeyLeaf);
        }
      } else {
        const user = code.user_id === null ? undefined : s.userById.get(code.user_id);
        if (!user) throw new RelayError('BAD_CODE', 'code has no user');
        // A link code names its user, so the new device need not know the handle: it learns it here.
        userId = user.id as UserId;
        handle = user.handle as Handle;
      }
      s.insertDevice.run(r.newDeviceId, userId, Buffer.from(r.publicKey));
      s.deleteCode.run(hash);
      return { userId, deviceId: r.newDeviceId, handle, revokedDevices };
    }, true);
    for (const d of result.revokedDevices) await this.#pool.deleteDevice(d);
    return result;
  }

  async getDevice(deviceId: DeviceId): Promise<DeviceRecord | undefined> {
    const row = this.#s.getDevice.get(deviceId);
    if (!row) return undefined;
    return {
      deviceId: row.id as DeviceId,
      userId: row.user_id as UserId,
      handle: row.handle as Handle,
      publicKey: new Uint8Array(row.public_key),
      revoked: row.revoked !== 0,
    };
  }

  async listDirectory(): Promise<readonly DirectoryUser[]> {
    const byUser = new Map<string, DirectoryUser['devices'][number][]>();
    for (const d of this.#s.allDevices.all()) {
      let list = byUser.get(d.user_id);
      if (!list) byUser.set(d.user_id, (list = []));
      list.push({
        deviceId: d.id as DeviceId,
        publicKey: new Uint8Array(d.public_key),
        revoked: d.revoked !== 0,
        ...(d.certificate !== null ? { certificate: d.certificate } : {}),
        ...(d.revocation !== null ? { revocation: d.revocation } : {}),
      });
    }
    return this.#s.allUsers.all().map((u) => ({
      userId: u.id as UserId,
      handle: u.handle as Handle,
      displayName: u.display_name,
      ...(u.phone !== null ? { phone: u.phone } : {}),
      ...(u.email !== null ? { email: u.email } : {}),
      ...(u.identity_key !== null ? { identityKey: u.identity_key } : {}),
      devices: byUser.get(u.id) ?? [],
    }));
  }

  updateProfile(userId: UserId, update: ProfileUpdate): Promise<boolean> {
    return this.#batcher.enqueue(() => {
      if (!this.#s.userById.get(userId)) return false;
      if (update.displayName !== undefined) this.#s.setDisplayName.run(update.displayName, userId);
      if (update.phone !== undefined) this.#s.setPhone.run(update.phone, userId);
      if (update.email !== undefined) this.#s.setEmail.run(update.email, userId);
      return true;
    }, true);
  }

  async getBlob(id: string): Promise<BlobRecord | undefined> {
    const row = this.#s.getBlob.get(hexBuf(id));
    return row && { capHash: new Uint8Array(row.cap_hash), version: row.version, data: new Uint8Array(row.data) };
  }

  putBlob(id: string, capHash: Uint8Array, expectedVersion: number, data: Uint8Array, now = Date.now(), space?: BlobSpace): Promise<BlobPutResult> {
    const key = hexBuf(id);
    const cap = Buffer.from(capHash);
    const day = dayNumber(now);
    return this.#guard(
      this.#batcher.enqueue((): BlobPutResult => {
        const row = this.#s.blobHead.get(key);
        if (row && !row.cap_hash.equals(cap)) return { status: 'forbidden' };
        if ((row?.version ?? 0) !== expectedVersion) return { status: 'conflict', version: row?.version ?? 0 };
        // Counted only once something asks (a space to check); kept up from then on.
        const totals = space ? this.#blobTotalsNow() : this.#blobTotals;
        const growth = data.length - (row?.size ?? 0);
        // Only what adds: a new blob, or one growing. A blob that keeps its size or shrinks is
        // never refused, so a full blob space cannot stop a contact book from syncing.
        if (space && totals && ((!row && totals.blobs + 1 > space.maxBlobs) || (growth > 0 && totals.bytes + growth > space.maxBytes))) return { status: 'full' };
        if (!row) this.#s.insertBlob.run(key, cap, Buffer.from(data), day);
        else this.#s.updateBlob.run(Buffer.from(data), day, key, expectedVersion);
        if (totals) {
          totals.blobs += row ? 0 : 1;
          totals.bytes += growth;
        }
        return { status: 'stored', version: expectedVersion + 1 };
      }, true),
    );
  }

  /** At most one write a day per blob: the day is compared first, outside any transaction. */
  async touchBlob(id: string, now: number): Promise<void> {
    const key = hexBuf(id);
    const day = dayNumber(now);
    const row = this.#s.blobLastDay.get(key);
    if (!row || row.last_day >= day) return;
    await this.#batcher.enqueue(() => {
      this.#s.touchBlob.run(day, key, day);
    });
  }

  async blobUsage(): Promise<BlobUsage> {
    return { ...this.#blobTotalsNow() };
  }

  async countLiveDevices(): Promise<number> {
    return this.#s.liveDevices.get()!.n;
  }

  #blobTotalsNow(): { blobs: number; bytes: number } {
    if (!this.#blobTotals) {
      const r = this.#s.blobTotals.get()!;
      this.#blobTotals = { blobs: r.n, bytes: r.b };
    }
    return this.#blobTotals;
  }

  /** A failed batch may not have written what the counters already count: recount from the rows. */
  #guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((e: unknown) => {
      this.#usage.clear();
      this.#blobTotals = undefined;
      throw e;
    });
  }

  setCertificate(deviceId: DeviceId, certificate: string, logLeaf?: Uint8Array): Promise<void> {
    return this.#batcher.enqueue(() => {
      if (this.#s.setCertificate.run(certificate, deviceId).changes > 0 && logLeaf) appendLogLeaf(this.#db, logLeaf);
    }, true);
  }

  async revokeDevice(deviceId: DeviceId, revocation?: string, logLeaf?: Uint8Array): Promise<boolean> {
    const changed = await this.#batcher.enqueue(() => {
      if (revocation !== undefined) this.#s.setRevocation.run(revocation, deviceId);
      const revoked = this.#s.revokeDevice.run(deviceId).changes > 0;
      if (revoked && revocation !== undefined && logLeaf) appendLogLeaf(this.#db, logLeaf);
      return revoked;
    });
    await this.#pool.deleteDevice(deviceId);
    return changed;
  }

  addKeyPackages(deviceId: DeviceId, keyPackages: readonly NewKeyPackage[]): Promise<void> {
    return this.#pool.add(deviceId, keyPackages);
  }

  async countKeyPackages(deviceId: DeviceId): Promise<number> {
    return this.#pool.count(deviceId);
  }

  async hasLastResortKeyPackage(deviceId: DeviceId): Promise<boolean> {
    return this.#pool.hasLastResort(deviceId);
  }

  /**
   * Not one transaction any more: the KeyPackage leaves the pool first (committed), and only
   * then does its mailbox exist. A failure in between loses one KeyPackage, which its device
   * replaces; the other order would leave a moment where both are on disk.
   */
  async claimKeyPackage(
    deviceId: DeviceId,
    mailboxFor: (keyPackage: Uint8Array) => { id: MailboxId; sendCapHash: Uint8Array },
    lastResortMailboxFor?: LastResortMailboxFor,
  ): Promise<ClaimedKeyPackage | undefined> {
    const taken = await this.#pool.take(deviceId);
    if (!taken || (taken.lastResortReadSecret && !lastResortMailboxFor)) return undefined;
    const { id, sendCapHash } = mailboxFor(taken.keyPackage);
    const mailbox: MailboxRecord = { id, readCapHash: taken.readCapHash, sendCapHash };
    // A last-resort KeyPackage's own mailbox exists after its first claim (it is ignored
    // then); the claim's mailbox follows in a commit of its own, so no WAL holds the two.
    this.#createMailboxAlone(mailbox);
    if (!taken.lastResortReadSecret || !lastResortMailboxFor) return { keyPackage: taken.keyPackage, mailbox };
    const claimMailbox = lastResortMailboxFor(taken.keyPackage, taken.lastResortReadSecret);
    this.#createMailboxAlone(claimMailbox);
    return { keyPackage: taken.keyPackage, mailbox, claimMailbox };
  }

  /**
   * A claimed mailbox is written in a commit of its own, after what is queued so far (but a
   * post connection's later envelopes, which wait for commits of their own), and
   * the WAL is then checkpointed into the main file and truncated to zero bytes. WAL frames are
   * in commit order, and the claims that open a conversation come in a burst: two of its
   * mailboxes in neighbouring commits would show who talks to whom. This way the WAL holds at
   * most one mailbox creation, with nothing beside it, and only until the checkpoint returns;
   * the main file keeps mailboxes in key order (random ids), which says nothing about time.
   */
  #createMailboxAlone(m: MailboxRecord): void {
    this.#batcher.flush();
    this.#db.transaction(() => {
      this.#s.insertMailbox.run(hexBuf(m.id), Buffer.from(m.readCapHash), Buffer.from(m.sendCapHash));
    })();
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }

  createMailbox(m: MailboxRecord): Promise<void> {
    return this.#batcher.enqueue(() => {
      this.#s.insertMailbox.run(hexBuf(m.id), Buffer.from(m.readCapHash), Buffer.from(m.sendCapHash));
    });
  }

  retireMailbox(id: MailboxId): Promise<boolean> {
    return this.#batcher.enqueue(() => {
      this.#mailboxCache.delete(id);
      return this.#s.retireMailbox.run(Buffer.from(RETIRED_SEND_CAP_HASH), hexBuf(id)).changes > 0;
    });
  }

  async getMailbox(id: MailboxId): Promise<MailboxRecord | undefined> {
    const cached = this.#mailboxCache.get(id);
    if (cached) return cached;
    const row = this.#s.getMailbox.get(hexBuf(id));
    if (!row) return undefined;
    const record: MailboxRecord = { id, readCapHash: row.read_cap_hash, sendCapHash: row.send_cap_hash };
    this.#mailboxCache.set(id, record);
    return record;
  }

  putEnvelope(mailboxId: MailboxId, envelopeId: EnvelopeId, bytes: Uint8Array, _now: number, quota?: MailboxQuota, series?: PostSeries): Promise<PutResult> {
    const mb = hexBuf(mailboxId);
    const eb = hexBuf(envelopeId);
    const tomb = tombstoneHash(mb, eb);
    // One envelope of a connection's burst per commit: until the checkpoint returns, the WAL
    // must not show a fan-out's mailboxes together (postSeries.ts).
    return this.#guard(
      this.#batcher.enqueue((): PutResult => {
        if (this.#s.tombstoneExists.get(tomb)) return { status: 'duplicate' };
        // Checked inside the batch, in order, so concurrent posts cannot overshoot together.
        const usage = quota ? this.#usageOf(mailboxId, mb) : this.#usage.get(mailboxId);
        if (quota && usage && (usage.envelopes + 1 > quota.maxEnvelopes || usage.bytes + bytes.length > quota.maxBytes)) {
          // A resend of an envelope already here is still answered as the duplicate it is.
          return this.#s.envelopeExists.get(mb, eb) ? { status: 'duplicate' } : { status: 'full' };
        }
        const next = this.#insertEnvelope(mailboxId, mb, eb, bytes);
        if (!next) return { status: 'duplicate' };
        if (usage) {
          usage.envelopes++;
          usage.bytes += bytes.length;
        }
        return { status: 'stored', seq: next.seq };
      }, false, series),
    );
  }

  /** Inserts with the mailbox's next seq and slot; undefined if the envelope id is stored already. */
  #insertEnvelope(mailboxId: MailboxId, mb: Buffer, eb: Buffer, bytes: Uint8Array): NextRow | undefined {
    const newest = () => {
      const row = this.#s.newestRow.get(mb);
      return row && { seq: Number(row.seq), slot: row.slot };
    };
    for (let attempt = 0; ; attempt++) {
      const next = this.#seqs.peek(mailboxId, newest);
      try {
        if (this.#s.insertEnvelope.run(next.slot, mb, next.seq, eb, bytes).changes === 0) return undefined;
        this.#seqs.advance(mailboxId, next);
        return next;
      } catch (e) {
        // Another mailbox's rows hold this slot (two random runs met: about never): go on from
        // a new base. A seq conflict, or a second slot conflict, is a bug and stays loud.
        if (attempt > 0 || (e as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw e;
        this.#seqs.rebase(mailboxId);
      }
    }
  }

  /** The relay's hub: a mailbox's seq counter is kept while an inbox reads it (mailboxSeqs.ts). */
  holdSeqsFor(readers: SeqReaders): void {
    this.#seqs.holdFor(readers);
  }

  async mailboxUsage(mailboxId: MailboxId): Promise<MailboxUsage> {
    const u = this.#usage.get(mailboxId);
    if (u) return { ...u };
    const r = this.#s.mailboxUsage.get(hexBuf(mailboxId))!;
    return { envelopes: r.n, bytes: r.b };
  }

  #usageOf(mailboxId: MailboxId, mb: Buffer): { envelopes: number; bytes: number } {
    let u = this.#usage.get(mailboxId);
    if (!u) {
      const r = this.#s.mailboxUsage.get(mb)!;
      u = { envelopes: r.n, bytes: r.b };
      this.#usage.set(mailboxId, u);
    }
    return u;
  }

  async listEnvelopes(mailboxId: MailboxId, afterSeq: number, limit: number): Promise<readonly StoredEnvelope[]> {
    return this.#s.listEnvelopes.all(hexBuf(mailboxId), afterSeq, limit).map((r) => ({
      seq: r.seq,
      envelopeId: r.envelope_id.toString('hex') as EnvelopeId,
      bytes: r.body,
    }));
  }

  ackEnvelopes(items: readonly (readonly [MailboxId, EnvelopeId])[], now: number): Promise<number> {
    const day = dayNumber(now);
    const keys = items.map(([m, e]) => [m, hexBuf(m), hexBuf(e)] as const);
    return this.#guard(
      this.#batcher.enqueue(() => {
        let n = 0;
        for (const [m, mb, eb] of keys) {
          const gone = this.#s.deleteEnvelopeSized.get(mb, eb);
          if (gone) {
            this.#s.insertTombstone.run(tombstoneHash(mb, eb), day);
            n++;
            const usage = this.#usage.get(m);
            if (usage) {
              usage.envelopes--;
              usage.bytes -= gone.size;
              // Drained: the next post counts again from the (empty) index.
              if (usage.envelopes <= 0) this.#usage.delete(m);
            }
          }
        }
        return n;
      }),
    );
  }

  acquireLock(token: Uint8Array, now: number): Promise<boolean> {
    return this.#batcher.enqueue(() => this.#s.insertLock.run(Buffer.from(token), dayNumber(now)).changes > 0);
  }

  prune(now: number, policy: PrunePolicy = {}): Promise<PruneResult> {
    const today = dayNumber(now);
    return this.#guard(
      this.#batcher.enqueue((): PruneResult => {
        this.#s.pruneCodes.run(now);
        // "Older than a day": a tombstone from yesterday may be under 24 h old, so keep it.
        this.#s.pruneTombstones.run(today - 1);
        this.#s.pruneLocks.run(today - 7);
        // Idle for more than blobIdleDays whole days: last used on a day before today - idle.
        const expiredBlobs = policy.blobIdleDays === undefined ? 0 : this.#s.pruneBlobs.run(today - policy.blobIdleDays).changes;
        if (expiredBlobs > 0) this.#blobTotals = undefined;
        return { expiredBlobs };
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Every write queued, a connection's later posts included, each in the commit it needs.
    this.#batcher.drain();
    this.#db.close();
    this.#openedPool?.close();
  }
}

/**
 * Before migration 004: an older relay.db kept KeyPackages itself. They move to the pool so
 * that devices stay reachable; true if there were any (the caller then scrubs the file).
 */
function moveLegacyKeyPackages(db: Database.Database, pool: () => KeyPackagePool): boolean {
  const table = db.prepare<[], { one: number }>("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'keypackages'").get();
  if (!table) return false;
  const rows = db
    .prepare<[], { device_id: string; kp: Buffer; read_cap_hash: Buffer }>('SELECT device_id, kp, read_cap_hash FROM keypackages ORDER BY seq')
    .all()
    .map((r) => ({ deviceId: r.device_id, kp: r.kp, readCapHash: r.read_cap_hash }));
  pool().adopt(rows);
  return true;
}
