/**
 * @module transparencyApi
 * The relay's key-transparency routes, as the client calls them. Nothing here is trusted:
 * every head, proof and key is checked by keyTransparency.ts before it counts.
 */
import { fromBase64Url, isLogPublicKey, parseTreeHead, toBase64Url, type SignedTreeHead } from '@hardline/protocol';
import type { RelayApi } from './relayApi.ts';

export type InclusionAnswer = { readonly leafIndex: number; readonly proof: readonly Uint8Array[] };

/** The relay's batch bound (server transparencyRoutes.ts). */
const BATCH = 2_000;

const hashes = (list: unknown): Uint8Array[] => (Array.isArray(list) ? list.map((p) => fromBase64Url(String(p), 32)) : []);

export class TransparencyApi {
  constructor(private readonly api: RelayApi) {}

  async logKey(): Promise<string | undefined> {
    const org = await this.api.request<{ logKey?: unknown }>('GET', '/v1/org');
    // Canonical only: log keys are compared as strings (protocol isLogPublicKey).
    return isLogPublicKey(org.logKey) ? org.logKey : undefined;
  }

  async head(): Promise<SignedTreeHead> {
    return parseTreeHead(await this.api.request<unknown>('GET', '/v1/transparency/head', undefined, 'session'));
  }

  async consistency(from: number, to: number): Promise<Uint8Array[]> {
    const r = await this.api.request<{ proof?: unknown }>('GET', `/v1/transparency/consistency/${from}/${to}`, undefined, 'session');
    return hashes(r.proof);
  }

  /** Leaves from index `from` on (the relay sends at most 1,000 at a time). */
  async entries(from: number): Promise<Uint8Array[]> {
    const r = await this.api.request<{ leaves?: unknown }>('GET', `/v1/transparency/entries/${from}`, undefined, 'session');
    return Array.isArray(r.leaves) ? r.leaves.map((l) => fromBase64Url(String(l), 4_096)) : [];
  }

  /** Proofs at `treeSize` for each leaf hash, in order; undefined where the relay has none. */
  async inclusions(treeSize: number, leafHashes: readonly Uint8Array[]): Promise<(InclusionAnswer | undefined)[]> {
    const out: (InclusionAnswer | undefined)[] = [];
    for (let i = 0; i < leafHashes.length; i += BATCH) {
      const chunk = leafHashes.slice(i, i + BATCH).map(toBase64Url);
      const r = await this.api.request<{ proofs?: unknown }>('POST', '/v1/transparency/inclusions', { treeSize, leafHashes: chunk }, 'session');
      const proofs = Array.isArray(r.proofs) ? r.proofs : [];
      for (let j = 0; j < chunk.length; j++) {
        const p = proofs[j] as { leafIndex?: unknown; proof?: unknown } | null | undefined;
        out.push(p && Number.isSafeInteger(p.leafIndex) ? { leafIndex: p.leafIndex as number, proof: hashes(p.proof) } : undefined);
      }
    }
    return out;
  }
}
