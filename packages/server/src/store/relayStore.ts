/**
 * @module relayStore
 * Everything the relay keeps at rest, behind one asynchronous interface so that a PostgreSQL
 * implementation can stand in for SQLite. Every write resolves only once it is durable:
 * callers report success to clients after the promise resolves, never before.
 */
import type { DeviceId, EnvelopeId, Handle, MailboxId, UserId } from '@hardline/protocol';
import type { TransparencyLog } from './transparencyLog.ts';
import type { OrgLedger } from '../org/orgLedger.ts';
import type { PostSeries } from './postSeries.ts';

export const MetaKeys = {
  ADMIN_TOKEN_HASH: 'admin_token_hash',
  SUITE: 'suite',
  /** The Ed25519 key that signs the key-transparency log's tree heads (transparency/logKey.ts). */
  LOG_KEY: 'transparency_log_key',
} as const;
export type MetaKey = (typeof MetaKeys)[keyof typeof MetaKeys];

export const CodeKinds = { INVITE: 'invite', LINK: 'link' } as const;
export type CodeKind = (typeof CodeKinds)[keyof typeof CodeKinds];

export type NewCode = {
  readonly hash: Uint8Array;
  readonly kind: CodeKind;
  /** Link codes: the user the new device joins. */
  readonly userId?: UserId;
  /**
   * Invite codes: when set, enrolment must use this handle. If the handle already exists, the
   * enrolment re-enrols that person: the new device replaces (revokes) all of their devices.
   */
  readonly handle?: Handle;
  readonly expiresAt: number;
};

export type EnrolRequest = {
  readonly codeHash: Uint8Array;
  readonly handle: Handle;
  readonly displayName: string;
  readonly publicKey: Uint8Array;
  /** Used only when the code is an invite (a new user). */
  readonly newUserId: UserId;
  readonly newDeviceId: DeviceId;
  readonly now: number;
  /** Invites: the person's identity key (base64url), stored opaque; a re-enrolment replaces it. */
  readonly identityKey?: string;
  /** The identity key's key-transparency leaf: appended, in the same transaction, when the key is stored. */
  readonly identityKeyLeaf?: Uint8Array;
};

export type EnrolResult = {
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  readonly handle: Handle;
  /** Re-enrolment (an invite naming an existing handle): the user's devices it revoked. */
  readonly revokedDevices: readonly DeviceId[];
};

export type DeviceRecord = {
  readonly deviceId: DeviceId;
  readonly userId: UserId;
  readonly handle: Handle;
  readonly publicKey: Uint8Array;
  readonly revoked: boolean;
};

export type DirectoryUser = {
  readonly userId: UserId;
  readonly handle: Handle;
  readonly displayName: string;
  /** Published by the user for contact matching (E.164); absent unless they chose to. */
  readonly phone?: string;
  /** Published by the user for contact matching (lower case); absent unless they chose to. */
  readonly email?: string;
  /** Opaque to the relay: clients check it against the key they pinned (client trustRules.ts). */
  readonly identityKey?: string;
  readonly devices: readonly {
    readonly deviceId: DeviceId;
    readonly publicKey: Uint8Array;
    readonly revoked: boolean;
    /** The device certificate, JSON, as its user's device published it. */
    readonly certificate?: string;
    /** The revocation signed by the identity key, JSON, when the person revoked the device. */
    readonly revocation?: string;
  }[];
};

export type NewKeyPackage = {
  readonly keyPackage: Uint8Array;
  readonly readCapHash: Uint8Array;
  /** Only on a last-resort KeyPackage (RFC 9420 §16.8): what each claim's read capability is derived from. */
  readonly lastResortReadSecret?: Uint8Array;
};

export type MailboxRecord = { readonly id: MailboxId; readonly readCapHash: Uint8Array; readonly sendCapHash: Uint8Array };

/**
 * The send capability hash of a retired mailbox: SHA-256 has no known preimage of all zeros, so
 * no capability matches it, and the posting path tells it apart to answer NO_MAILBOX.
 */
export const RETIRED_SEND_CAP_HASH: Uint8Array = new Uint8Array(32);

export function isRetired(m: MailboxRecord): boolean {
  return m.sendCapHash.length === 32 && m.sendCapHash.every((b) => b === 0);
}

export type ClaimedKeyPackage = {
  readonly keyPackage: Uint8Array;
  /** The KeyPackage's mailbox: the Welcome goes there. */
  readonly mailbox: MailboxRecord;
  /** A last-resort claim only: the claim's own mailbox, which the conversation then uses. */
  readonly claimMailbox?: MailboxRecord;
};

/** For a last-resort claim: the claim's own mailbox, from the KeyPackage and its read secret. */
export type LastResortMailboxFor = (keyPackage: Uint8Array, readSecret: Uint8Array) => MailboxRecord;

/** `full`: the mailbox is at its quota; nothing was stored, and nothing stored before is touched. */
export type PutResult = { readonly status: 'stored'; readonly seq: number } | { readonly status: 'duplicate' } | { readonly status: 'full' };

/** What one mailbox may hold: envelopes not yet acknowledged, and their bytes. */
export type MailboxQuota = { readonly maxEnvelopes: number; readonly maxBytes: number };

export type MailboxUsage = { readonly envelopes: number; readonly bytes: number };

export type StoredEnvelope = { readonly seq: number; readonly envelopeId: EnvelopeId; readonly bytes: Uint8Array };

/** `undefined` leaves a field as it is; `null` clears a published phone or email. */
export type ProfileUpdate = {
  readonly displayName?: string;
  readonly phone?: string | null;
  readonly email?: string | null;
};

export type BlobRecord = { readonly capHash: Uint8Array; readonly version: number; readonly data: Uint8Array };

/** Outcome of a compare-and-swap write; `version` is the blob's version afterwards (or now, on conflict). */
export type BlobPutResult =
  | { readonly status: 'stored'; readonly version: number }
  | { readonly status: 'conflict'; readonly version: number }
  | { readonly status: 'forbidden' }
  /** The relay-wide blob space would be exceeded by a new blob, or by this one growing. */
  | { readonly status: 'full' };

/** How much blob data the relay may hold, all blobs together. */
export type BlobSpace = { readonly maxBlobs: number; readonly maxBytes: number };

export type BlobUsage = { readonly blobs: number; readonly bytes: number };

export type PrunePolicy = {
  /** Blobs not read or written (with their capability) for more than this many days are deleted. */
  readonly blobIdleDays?: number;
};

export type PruneResult = { readonly expiredBlobs: number };

export type RelayStore = {
  getMeta(key: MetaKey): Promise<string | undefined>;
  setMeta(key: MetaKey, value: string): Promise<void>;

  createCode(code: NewCode): Promise<void>;
  /** Consumes the code and creates the user (invite) or re-enrols them (invite naming their handle) and the device, in one transaction. Throws BAD_CODE or CONFLICT. */
  enrol(request: EnrolRequest): Promise<EnrolResult>;
  getDevice(deviceId: DeviceId): Promise<DeviceRecord | undefined>;
  listDirectory(): Promise<readonly DirectoryUser[]>;
  /** Changes what the user publishes in the directory. False if the user is unknown. */
  updateProfile(userId: UserId, update: ProfileUpdate): Promise<boolean>;
  /**
   * Marks the device revoked (keeping a signed revocation if given) and deletes its unclaimed
   * KeyPackages. False if unknown. `logLeaf` is appended to the key-transparency log with it.
   */
  revokeDevice(deviceId: DeviceId, revocation?: string, logLeaf?: Uint8Array): Promise<boolean>;
  /** Stores a device's certificate (JSON, validated by the route), replacing any earlier one, and appends `logLeaf` to the log in the same transaction. */
  setCertificate(deviceId: DeviceId, certificate: string, logLeaf?: Uint8Array): Promise<void>;
  /** The key-transparency log, append-only: appends come only with the writes above. */
  readonly transparencyLog: TransparencyLog;
  /** The security team's signed orders, policy reports and event counts (org/orgLedger.ts). */
  readonly org: OrgLedger;

  /** A last-resort KeyPackage in the batch replaces the device's earlier one. */
  addKeyPackages(deviceId: DeviceId, keyPackages: readonly NewKeyPackage[]): Promise<void>;
  /** The device's KeyPackages, its last-resort one not counted. */
  countKeyPackages(deviceId: DeviceId): Promise<number>;
  hasLastResortKeyPackage(deviceId: DeviceId): Promise<boolean>;
  /**
   * Deletes the device's oldest KeyPackage, durably, and only then creates its mailbox (never
   * both on disk at once). With none left and `lastResortMailboxFor` given, hands out the
   * last-resort one, which stays, and creates its mailbox (if new) and the claim's own, each
   * in a commit of its own.
   */
  claimKeyPackage(
    deviceId: DeviceId,
    mailboxFor: (keyPackage: Uint8Array) => { id: MailboxId; sendCapHash: Uint8Array },
    lastResortMailboxFor?: LastResortMailboxFor,
  ): Promise<ClaimedKeyPackage | undefined>;

  /** Creates a mailbox directly (random mailboxes, tests, benchmarks). Ignored if it exists. */
  createMailbox(mailbox: MailboxRecord): Promise<void>;
  getMailbox(id: MailboxId): Promise<MailboxRecord | undefined>;
  /**
   * Retires a mailbox its reader has moved away from: no send capability matches it any more
   * (the one a device removed from the conversation knew posts nothing), while what it holds
   * stays readable until acknowledged. False if there was no such mailbox.
   */
  retireMailbox(id: MailboxId): Promise<boolean>;

  /**
   * Idempotent: an envelope id already stored, or acknowledged within the last day, is a
   * duplicate. With `quota`, an envelope that would take the mailbox past it is `full`.
   * `series`: the post connection it came on; no commit holds two envelopes of one series
   * (store/postSeries.ts), so none shows one sender's burst together on disk.
   */
  putEnvelope(mailboxId: MailboxId, envelopeId: EnvelopeId, bytes: Uint8Array, now: number, quota?: MailboxQuota, series?: PostSeries): Promise<PutResult>;
  /**
   * What the mailbox holds now. Kept cheap for the quota check on every post: no scan of the
   * mailbox per post (SQLite: counters in memory, seeded by one indexed count per mailbox).
   */
  mailboxUsage(mailboxId: MailboxId): Promise<MailboxUsage>;
  /**
   * Envelopes with seq > afterSeq, oldest first. A seq counts within its mailbox only, and
   * never goes back while an inbox reads the mailbox (a reader's cursor).
   */
  listEnvelopes(mailboxId: MailboxId, afterSeq: number, limit: number): Promise<readonly StoredEnvelope[]>;
  /** Deletes acknowledged envelopes, leaving tombstones. Resolves with how many were deleted. */
  /** Who may hold a cursor on a mailbox (the relay's inbox hub): their mailboxes' seqs are kept in memory. */
  holdSeqsFor(readers: { hasReader(mailboxId: MailboxId): boolean }): void;
  ackEnvelopes(items: readonly (readonly [MailboxId, EnvelopeId])[], now: number): Promise<number>;

  getBlob(id: string): Promise<BlobRecord | undefined>;
  /**
   * Compare-and-swap: writes when the blob's current version is `expectedVersion` (0: it must not
   * exist yet, and `capHash` becomes its capability) and the stored capability hash equals
   * `capHash`. The capability is checked before the version, so a caller without it learns nothing,
   * and both before `space`. A write marks the blob used on `now`'s day (default: the clock).
   */
  putBlob(id: string, capHash: Uint8Array, expectedVersion: number, data: Uint8Array, now?: number, space?: BlobSpace): Promise<BlobPutResult>;
  /** Marks the blob used on `now`'s day (a read with its capability), so it does not idle out. */
  touchBlob(id: string, now: number): Promise<void>;
  blobUsage(): Promise<BlobUsage>;
  /** Devices not revoked: what the relay-wide blob space is sized by. */
  countLiveDevices(): Promise<number>;

  /** First caller wins. */
  acquireLock(token: Uint8Array, now: number): Promise<boolean>;

  /** Drops expired codes, tombstones older than a day, locks older than a week and, given a policy, idle blobs. */
  prune(now: number, policy?: PrunePolicy): Promise<PruneResult>;
  close(): Promise<void>;
};
