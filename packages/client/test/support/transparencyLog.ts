/**
 * @module test/support/transparencyLog
 * A relay's key-transparency routes played in-process, as the client's TransparencyApi sees
 * them: a real log (real Merkle tree, heads signed with the relay's own log key, real proofs).
 * The relay is the attacker in the tests that use it, so every route is a plain property a test
 * replaces with the lie it wants told: a head signed by another key, a refused proof, a garbage
 * answer.
 */
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleTreeHash,
  newLogKey,
  signTreeHead,
  subtreesOf,
  type Handle,
  type SignedTreeHead,
} from '@hardline/protocol';
import { KeyTransparency, type TransparencyState } from '../../src/keyTransparency.ts';
import type { InclusionAnswer, TransparencyApi } from '../../src/transparencyApi.ts';

export const T0 = 1_800_000_000_000;

type Routes = {
  logKey: () => Promise<string | undefined>;
  head: () => Promise<SignedTreeHead>;
  consistency: (from: number, to: number) => Promise<Uint8Array[]>;
  entries: (from: number) => Promise<Uint8Array[]>;
  inclusions: (treeSize: number, hashes: readonly Uint8Array[]) => Promise<(InclusionAnswer | undefined)[]>;
};

/**
 * A log of `size` leaves: `logged` (encoded log entries) first, then filler. `current` is the
 * head the head route serves; `api` is what a KeyTransparency is built on.
 */
export function transparencyLog(opts: { size?: number; logged?: readonly Uint8Array[] } = {}) {
  const key = newLogKey();
  const filler = Array.from({ length: 64 }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
  const hashes = [...(opts.logged ?? []).map(leafHash), ...filler];
  const head = (treeSize: number, secretKey = key.secretKey): SignedTreeHead =>
    signTreeHead(secretKey, { treeSize, rootHash: merkleTreeHash(hashes.slice(0, treeSize)), timestamp: T0 + treeSize });
  const asked = { consistency: 0, inclusions: 0 };
  const routes: Routes = {
    logKey: async () => key.publicKey,
    head: async () => log.current,
    consistency: async (from, to) => {
      asked.consistency++;
      return consistencyProof(from, to, subtreesOf(hashes.slice(0, to)));
    },
    entries: async () => [],
    inclusions: async (treeSize, wanted) => {
      asked.inclusions++;
      const keys = hashes.slice(0, treeSize).map((h) => Buffer.from(h).toString('hex'));
      return Promise.all(
        wanted.map(async (h) => {
          const i = keys.indexOf(Buffer.from(h).toString('hex'));
          return i < 0 ? undefined : { leafIndex: i, proof: await inclusionProof(i, treeSize, subtreesOf(hashes.slice(0, treeSize))) };
        }),
      );
    },
  };
  const log = { key, hashes, head, current: head(opts.size ?? 10), asked, routes, api: routes as unknown as TransparencyApi };
  return log;
}

/** A device of alice's holding `state`, on `api`, at the time `clock.now`. */
export function deviceOn(api: TransparencyApi, state: TransparencyState, clock = { now: T0 }) {
  const kt = new KeyTransparency(api, () => state, () => ({ handle: 'alice' as Handle, identityKey: undefined }), () => clock.now);
  return { kt, state, clock };
}
