/**
 * @module deviceState
 * Everything a device remembers, as one serialisable value. It is encrypted at rest by the
 * StateStore. Only the *current* MLS state of each conversation is kept: overwriting the old
 * one is what gives forward secrecy.
 */
import type { ControlMessage, ConversationControl, DeviceCertificate, DeviceId, Handle, IdentityKeyPair, MailboxId, Roster, UserId } from '@hardline/protocol';
import type { Pin } from './trustRules.ts';
import type { TransparencyState } from './keyTransparency.ts';
import type { DirectoryUser } from './relayApi.ts';
import type { PartialText } from './textParts.ts';

export type StoredKeyPackage = {
  /** MLSMessage(KeyPackage), base64url */
  publicBytes: string;
  /** PrivateKeyPackage fields, base64url */
  initPrivateKey: string;
  hpkePrivateKey: string;
  /** hex, 32 bytes; its hash is at the relay */
  readCap: string;
  /**
   * Last-resort KeyPackages only (RFC 9420 §16.8), hex 32 bytes: each claim's own mailbox's
   * read capability is derived from it (protocol lastResortKeyPackage.ts).
   */
  lastResortSecret?: string;
  /** Last resort: a Welcome came through it, so a fresh one replaces it at the relay. */
  used?: boolean;
  /** Last resort: when a newer one replaced it (ms); kept a while for Welcomes still on their way. */
  retiredAt?: number;
};

export type StoredMessage = {
  id: string;
  from: Handle;
  text: string;
  sentAt: string;
  receivedAt: string;
  shown: boolean;
  /**
   * Own message that no other member's device could be sent yet (their KeyPackages had run out,
   * so none is in the group). It goes out again once a commit adds one of their devices.
   */
  waiting?: boolean;
};

export type Conversation = {
  /** Local id: hex of the MLS group id. */
  id: string;
  roster: Roster;
  /** encodeGroupState, base64url */
  mlsState: string;
  mailbox: { id: MailboxId; readCap: string };
  /**
   * This device's former mailboxes here, still read until retired (mailboxRotation.ts): a
   * removal moved the device to a fresh one, and envelopes may still be on their way.
   */
  retiring?: RetiringMailbox[];
  /** Other devices' former mailboxes here, so a post the relay refuses there is readdressed. */
  moved?: MovedMailbox[];
  /** MLS messages for epochs we have not reached yet, base64url */
  pending: { epoch: string; bytes: string }[];
  messages: StoredMessage[];
  /** Receipts, timers and call signalling received here, until the app takes them. */
  controls?: ReceivedControl[];
  /** Long messages whose parts are still arriving (textParts.ts). */
  partialTexts?: PartialText[];
  left: boolean;
};

export type RetiringMailbox = {
  id: MailboxId;
  /** hex, 32 bytes */
  readCap: string;
  /** When the relay is asked to refuse posts to it (ms). */
  until: number;
  /** The relay refuses posts to it now: one more drain, then it is forgotten. */
  closed?: true;
};

export type MovedMailbox = { from: MailboxId; deviceId: DeviceId; at: number };

export type ReceivedControl = {
  conversation: string;
  from: Handle;
  fromDevice: DeviceId;
  message: ConversationControl;
  receivedAt: string;
};

export const MAX_CONTROLS_PER_CONVERSATION = 2_000;

/**
 * `conversation` and `urgent` are the queueing's tag (urgentPosts.ts): an urgent flush posts the
 * urgent entries at once and, marked `later`, the same conversation's entries queued before them.
 * `urgent` is dropped from an entry that an urgent flush could not post: it then waits for a
 * slot, and another urgent flush (an insider's ring) does not post it unmarked.
 */
export type QueuedPost = { sendCap: string; envelope: string; conversation?: string; urgent?: true };

export type DeviceState = {
  v: 1;
  server: string;
  /** An ingress hop for the anonymous calls (`hardline register --ingress`; ingressFetch.ts). */
  ingress?: string;
  suite: string;
  userId: UserId;
  deviceId: DeviceId;
  handle: Handle;
  displayName: string;
  signKey: string;
  signPub: string;
  keyPackages: Record<MailboxId, StoredKeyPackage>;
  conversations: Record<string, Conversation>;
  directory: DirectoryUser[];
  outbox: QueuedPost[];
  /** Recently processed envelope ids, newest last: a redelivery after a crash is dropped. */
  seen: string[];
  revoked: boolean;
  /**
   * Control messages from this user's own devices (self conversation), kept until a service
   * (the contact book) takes them. Saved before the envelope is acknowledged, so none is lost.
   */
  selfInbox?: ControlMessage[];
  /**
   * The person's identity key pair (protocol identity/identityKey.ts): made on their first
   * device, received by each linked device in the link handshake. Absent on a new device until
   * the device that linked it has answered.
   */
  identity?: IdentityKeyPair;
  /**
   * This device's own certificate, signed by the identity key: it goes into every KeyPackage's
   * credential (protocol mls/deviceCredential.ts). Absent on a new device until it is answered,
   * and until then the device uploads no KeyPackages, since no member would accept its leaf.
   */
  certificate?: DeviceCertificate;
  /** Identity keys pinned per handle (trustRules.ts). */
  pins?: Record<string, Pin>;
  /** The pinned log key, the latest tree head and any split view seen (keyTransparency.ts); absent before it. */
  transparency?: TransparencyState;
  /** Link codes this device made and has not answered yet (deviceLinking.ts). */
  pendingLinks?: { secret: string; createdAt: string }[];
  /** On a newly linked device: the secret of the link code it joined with, until answered. */
  linkWait?: { secret: string };
  /**
   * Envelopes (base64url) that reached one of this device's KeyPackage mailboxes before the
   * commit moving a conversation there was processed: sealed under the new epoch's secret, they
   * open once it is (mailboxRotation.ts). Saved before they are acknowledged, so none is lost.
   */
  parked?: string[];
  /**
   * Mailboxes of this device claimed in advance, at times of its own choosing (mailboxPool.ts):
   * a new conversation or a rotation takes one instead of claiming at that moment. Absent in a
   * state from before the pool (it starts empty).
   */
  mailboxPool?: PooledMailbox[];
  /** Per-service state (e.g. `contactBook`), saved with the rest and encrypted at rest alike. */
  extensions?: Record<string, unknown>;
};

/** One of this device's own mailboxes, claimed and not yet given to a conversation. */
export type PooledMailbox = { readonly id: MailboxId; readonly readCap: string; readonly sendCap: string };

export const MAX_SEEN = 50_000;
export const MAX_SELF_INBOX = 100;
export const MAX_MESSAGES_PER_CONVERSATION = 20_000;

export type StateStore = {
  load(): Promise<DeviceState | undefined>;
  save(state: DeviceState): Promise<void>;
  wipe(): Promise<void>;
};
