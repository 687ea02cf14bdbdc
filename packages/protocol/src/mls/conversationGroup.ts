/**
 * @module mls/conversationGroup
 * A thin, immutable wrapper over ts-mls for what a conversation needs: create, add and remove
 * devices, encrypt, and process incoming messages with the sender's identity. Every operation
 * returns a new state; callers must persist it and drop the old one, because ts-mls states are
 * values and an old state still decrypts (forward secrecy depends on deleting it).
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  mlsExporter,
  processPrivateMessage,
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { utf8 } from '../bytes.ts';
import { DecodeError, HardlineError, TooLargeError, UsageError } from '../errors.ts';
import { deviceCredential, parseDeviceCredential, type DeviceIdentity } from './deviceCredential.ts';
import type { DeviceCertificate } from '../identity/deviceCertificate.ts';
import { keyRetention } from './keyRetention.ts';
import { lastResortExtension } from './lastResortKeyPackage.ts';

export const MAX_MLS_MESSAGE = 64 * 1024;

export type SignatureKeyPair = { readonly signKey: Uint8Array; readonly publicKey: Uint8Array };

export function clientConfigWith(authService: ClientConfig['authService']): ClientConfig {
  return { ...defaultClientConfig, keyRetentionConfig: keyRetention, authService };
}

/** `certificate`: this device's, carried in the leaf so members check it against their pins. */
export async function newKeyPackage(
  id: DeviceIdentity,
  keys: SignatureKeyPair,
  impl: CiphersuiteImpl,
  opts: { readonly lastResort?: boolean; readonly certificate?: DeviceCertificate } = {},
): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage; bytes: Uint8Array }> {
  const extensions = opts.lastResort ? [lastResortExtension] : [];
  const kp = await generateKeyPackageWithKey(deviceCredential(id, opts.certificate), defaultCapabilities(), defaultLifetime, extensions, keys, impl);
  const bytes = encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
  return { ...kp, bytes };
}

export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  if (bytes.length > 16 * 1024) throw new TooLargeError('KeyPackage', bytes.length, 16 * 1024);
  const m = safeDecode(bytes);
  if (m.wireformat !== 'mls_key_package') throw new DecodeError('not a KeyPackage');
  return m.keyPackage;
}

function safeDecode(bytes: Uint8Array) {
  if (bytes.length > MAX_MLS_MESSAGE) throw new TooLargeError('MLS message', bytes.length, MAX_MLS_MESSAGE);
  let decoded;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (cause) {
    throw new DecodeError('malformed MLS message', { cause });
  }
  if (!decoded) throw new DecodeError('malformed MLS message');
  return decoded[0];
}

export async function createConversationGroup(
  groupId: Uint8Array,
  own: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage },
  impl: CiphersuiteImpl,
  config: ClientConfig,
): Promise<ClientState> {
  return createGroup(groupId, own.publicPackage, own.privatePackage, [], impl, config);
}

export type CommitOutput = { newState: ClientState; commit: Uint8Array; welcome: Uint8Array | undefined };

/** Adds and removes leaves in one commit. Commits travel as PrivateMessages. */
export async function commitChanges(
  state: ClientState,
  changes: { add?: readonly KeyPackage[]; removeLeaves?: readonly number[] },
  impl: CiphersuiteImpl,
): Promise<CommitOutput> {
  const proposals: Proposal[] = [
    ...(changes.removeLeaves ?? []).map((removed): Proposal => ({ proposalType: 'remove', remove: { removed } })),
    ...(changes.add ?? []).map((keyPackage): Proposal => ({ proposalType: 'add', add: { keyPackage } })),
  ];
  const r = await createCommit({ state, cipherSuite: impl }, { extraProposals: proposals, ratchetTreeExtension: true });
  return {
    newState: r.newState,
    commit: encodeMlsMessage(r.commit),
    welcome: r.welcome ? encodeMlsMessage({ welcome: r.welcome, wireformat: 'mls_welcome', version: 'mls10' }) : undefined,
  };
}

export async function joinFromWelcome(
  welcomeBytes: Uint8Array,
  own: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage },
  impl: CiphersuiteImpl,
  config: ClientConfig,
): Promise<ClientState> {
  const m = safeDecode(welcomeBytes);
  if (m.wireformat !== 'mls_welcome') throw new DecodeError('not a Welcome');
  try {
    return await joinGroup(m.welcome, own.publicPackage, own.privatePackage, emptyPskIndex, impl, undefined, undefined, config);
  } catch (cause) {
    throw new HardlineError('CRYPTO', 'could not join the group from this Welcome', { cause });
  }
}

export async function encryptApplication(state: ClientState, data: Uint8Array, impl: CiphersuiteImpl): Promise<{ newState: ClientState; message: Uint8Array }> {
  const r = await createApplicationMessage(state, data, impl);
  return {
    newState: r.newState,
    message: encodeMlsMessage({ privateMessage: r.privateMessage, wireformat: 'mls_private_message', version: 'mls10' }),
  };
}

export type Incoming =
  | { kind: 'application'; newState: ClientState; data: Uint8Array; sender: DeviceIdentity }
  | { kind: 'commit'; newState: ClientState; removedSelf: boolean; committer: DeviceIdentity | undefined }
  /** For an epoch we have not reached yet: keep it until its commit arrives. */
  | { kind: 'future'; epoch: bigint }
  /** Replay of something already processed, or too old to process: drop it. */
  | { kind: 'stale'; reason: string };

export function messageEpoch(bytes: Uint8Array): bigint {
  const m = safeDecode(bytes);
  if (m.wireformat !== 'mls_private_message') throw new DecodeError('expected an MLS PrivateMessage');
  return m.privateMessage.epoch;
}

export async function processIncoming(state: ClientState, bytes: Uint8Array, impl: CiphersuiteImpl): Promise<Incoming> {
  const m = safeDecode(bytes);
  if (m.wireformat !== 'mls_private_message') throw new DecodeError('expected an MLS PrivateMessage');
  const pm = m.privateMessage;
  const current = state.groupContext.epoch;
  if (pm.epoch > current) return { kind: 'future', epoch: pm.epoch };
  const senderDataSecret =
    pm.epoch === current ? state.keySchedule.senderDataSecret : state.historicalReceiverData.get(pm.epoch)?.senderDataSecret;
  if (!senderDataSecret) return { kind: 'stale', reason: 'epoch too old' };
  const senderData = await decryptSenderData(pm, senderDataSecret, impl).catch(() => undefined);
  if (!senderData) throw new HardlineError('CRYPTO', 'sender data did not decrypt');
  const treeBefore = pm.epoch === current ? state.ratchetTree : state.historicalReceiverData.get(pm.epoch)?.ratchetTree;
  const sender = identityAt(treeBefore ?? state.ratchetTree, senderData.leafIndex);
  // ts-mls still decrypts a few past epochs (for messages in flight during a commit). A device
  // removed since then must not be able to keep talking in the old epoch, so its late messages
  // are dropped.
  if (pm.epoch < current && (!sender || !members(state).some((m) => m.id.deviceId === sender.deviceId))) {
    return { kind: 'stale', reason: 'sender is no longer a member' };
  }
  let r;
  try {
    r = await processPrivateMessage(state, pm, emptyPskIndex, impl);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    if (/in the past|epoch too old|former epoch/i.test(msg)) return { kind: 'stale', reason: msg };
    throw new HardlineError('CRYPTO', `MLS message rejected: ${msg}`, { cause });
  }
  if (r.kind === 'applicationMessage') {
    if (!sender) throw new HardlineError('CRYPTO', 'application message from an unknown leaf');
    return { kind: 'application', newState: r.newState, data: r.message, sender };
  }
  return { kind: 'commit', newState: r.newState, removedSelf: r.newState.groupActiveState.kind !== 'active', committer: sender };
}

function identityAt(tree: ClientState['ratchetTree'], leafIndex: number): DeviceIdentity | undefined {
  const node = tree[leafIndex * 2];
  if (!node || node.nodeType !== 'leaf') return undefined;
  try {
    return parseDeviceCredential(node.leaf.credential);
  } catch {
    return undefined;
  }
}

/** Every current member leaf with its device identity. */
export function members(state: ClientState): { leafIndex: number; id: DeviceIdentity }[] {
  const out: { leafIndex: number; id: DeviceIdentity }[] = [];
  for (let i = 0; i < state.ratchetTree.length; i += 2) {
    const id = identityAt(state.ratchetTree, i / 2);
    if (id) out.push({ leafIndex: i / 2, id });
  }
  return out;
}

export function ownLeafIndex(state: ClientState): number {
  return state.privatePath.leafIndex;
}

export function epochOf(state: ClientState): bigint {
  return state.groupContext.epoch;
}

export async function exportSecret(state: ClientState, label: string, length: number, impl: CiphersuiteImpl): Promise<Uint8Array> {
  return mlsExporter(state.keySchedule.exporterSecret, label, new Uint8Array(0), length, impl);
}

export function encodeState(state: ClientState): Uint8Array {
  return encodeGroupState(state);
}

export function decodeState(bytes: Uint8Array, config: ClientConfig): ClientState {
  let d;
  try {
    d = decodeGroupState(bytes, 0);
  } catch (cause) {
    // ts-mls throws its own CodecError on some malformed lengths (found by bench/fuzz).
    throw new DecodeError('stored group state is corrupt', { cause });
  }
  if (!d) throw new DecodeError('stored group state is corrupt');
  return { ...d[0], clientConfig: config };
}

export function assertActive(state: ClientState): void {
  if (state.groupActiveState.kind !== 'active') throw new UsageError('this device is no longer a member of the conversation');
}

export const groupIdText = (state: ClientState): string => utf8.decode(state.groupContext.groupId);
