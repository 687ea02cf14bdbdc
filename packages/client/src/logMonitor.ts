/**
 * @module logMonitor
 * Reads the key-transparency log's entries as it grows and looks for the ones under this
 * person's own handle that they did not make: another identity key, or a certificate or
 * revocation under another key. That is the attack inclusion and gossip cannot catch, a false
 * key that the relay logs openly, in the one log everyone sees; the person whose name it is
 * is the one who can tell, so their own devices watch for it.
 *
 * The leaves are checked against a signed head: they are folded into a compact range and the
 * root must equal the head's once the head's size is reached, so a relay cannot show the
 * monitor other entries than the ones it committed to. Only entries after the person's current
 * identity key was logged count (what came before is the handle's earlier history, such as a
 * re-enrolment).
 */
import {
  appendToRange,
  CryptoError,
  decodeLogEntry,
  emptyRange,
  fromBase64Url,
  leafHash,
  LogEntryTypes,
  rangeRoot,
  toBase64Url,
  type CompactRange,
  type DeviceId,
  type Handle,
  type SignedTreeHead,
} from '@hardline/protocol';
import type { TransparencyApi } from './transparencyApi.ts';

/** An entry under one's own handle, made with another identity key than one's own. */
export type ForeignEntry = {
  readonly index: number;
  readonly what: 'identity-key' | 'certificate' | 'revocation';
  readonly deviceId?: DeviceId;
};

export type MonitorState = {
  /** The compact range of the leaves read so far: size and subtree hashes (base64url). */
  readonly size: number;
  readonly hashes: readonly string[];
  /** This person's current identity key has appeared in the log. */
  readonly ownSeen: boolean;
  readonly foreign: readonly ForeignEntry[];
};

export const emptyMonitor: MonitorState = { size: 0, hashes: [], ownSeen: false, foreign: [] };
const MAX_FOREIGN = 100;

/** Reads the entries up to `head` and returns the new state; the input is not changed. */
export async function monitorOwnEntries(api: TransparencyApi, head: SignedTreeHead, own: { handle: Handle; identityKey: string }, state: MonitorState): Promise<MonitorState> {
  if (state.size >= head.treeSize) return state;
  let range: CompactRange = { size: state.size, hashes: state.hashes.map((h) => fromBase64Url(h, 32)) };
  let ownSeen = state.ownSeen;
  const foreign = [...state.foreign];
  const ownKey = fromBase64Url(own.identityKey, 32);
  while (range.size < head.treeSize) {
    const page = await api.entries(range.size);
    if (page.length === 0) throw new CryptoError('the relay sent no log entries below its own tree head');
    for (const leaf of page.slice(0, head.treeSize - range.size)) {
      const index = range.size;
      range = appendToRange(range, leafHash(leaf));
      let entry;
      try {
        entry = decodeLogEntry(leaf);
      } catch {
        continue;
      }
      if (entry.handle !== own.handle) continue;
      if (entry.type === LogEntryTypes.IDENTITY_KEY) {
        const mine = toBase64Url(entry.identityKey) === toBase64Url(ownKey);
        if (mine) ownSeen = true;
        else if (ownSeen) foreign.push({ index, what: 'identity-key' });
      } else if (ownSeen && signerOf(entry.body) !== own.identityKey) {
        foreign.push({ index, what: entry.type === LogEntryTypes.DEVICE_CERTIFICATE ? 'certificate' : 'revocation', deviceId: entry.deviceId });
      }
    }
  }
  if (toBase64Url(rangeRoot(range)) !== head.rootHash) throw new CryptoError('the log entries the relay sent are not the ones its tree head commits to');
  return { size: range.size, hashes: range.hashes.map(toBase64Url), ownSeen, foreign: foreign.slice(-MAX_FOREIGN) };
}

/** The identity key named in a certificate's or revocation's logged body (logEntry.ts field order). */
function signerOf(body: string): string | undefined {
  const lines = body.split('\n');
  // certificate: v, handle, deviceId, deviceKey, identityKey, …; revocation: v, handle, deviceId, identityKey, …
  return lines.length === 7 ? lines[4] : lines.length === 6 ? lines[3] : undefined;
}
