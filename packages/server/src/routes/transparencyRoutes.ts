/**
 * @module transparencyRoutes
 * The key-transparency log (docs/protocol.md §2): the latest signed tree head, inclusion
 * proofs by leaf hash or index (one, or a batch for a whole directory), consistency proofs
 * between two sizes, and the leaves themselves for monitors. Devices only, like the directory.
 * Every proof is O(log n) hashes from stored nodes (storedTree.ts).
 */
import { consistencyProof, fromBase64Url, inclusionProof, toBase64Url, ValidationError } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route, type RouteRequest } from '../http/route.ts';
import type { RelayContext } from '../relayContext.ts';
import { latestHead, storedSubtrees } from '../transparency/storedTree.ts';

/** One batch covers a large organisation's directory; more waits for the next request. */
export const MAX_PROOFS_PER_REQUEST = 2_000;
const MAX_LEAVES_PER_REQUEST = 1_000;

function count(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw new ValidationError(`${what} must be a whole number`);
  return Number(text);
}

/** A size the log has reached: proofs are only ever made for heads the relay could have signed. */
async function sizeWithin(ctx: RelayContext, text: string | undefined, what: string): Promise<number> {
  const size = count(text, what);
  if (size > (await ctx.store.transparencyLog.size())) throw new RelayError('NOT_FOUND', `the log has not reached ${what} ${size}`);
  return size;
}

function leafHashParam(text: unknown): Uint8Array {
  const hash = typeof text === 'string' && text.length === 43 ? fromBase64Url(text, 32) : undefined;
  if (!hash || hash.length !== 32) throw new ValidationError('leaf hash must be 32 bytes, base64url');
  return hash;
}

async function proveIndex(ctx: RelayContext, index: number, treeSize: number, subtrees = storedSubtrees(ctx.store.transparencyLog)) {
  if (index >= treeSize) throw new RelayError('NOT_FOUND', 'no such entry in a tree of that size');
  const proof = await inclusionProof(index, treeSize, subtrees);
  return { leafIndex: index, treeSize, proof: proof.map(toBase64Url) };
}

async function authed(ctx: RelayContext, req: RouteRequest): Promise<void> {
  await requireDevice(ctx, req.headers, req.conn);
}

export const transparencyRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/transparency/head',
    handle: async (ctx, req) => {
      await authed(ctx, req);
      return ok(await latestHead(ctx.store, ctx.now()));
    },
  },
  {
    method: 'GET',
    path: '/v1/transparency/inclusion/:treeSize/leaf/:leafHash',
    handle: async (ctx, req) => {
      await authed(ctx, req);
      const treeSize = await sizeWithin(ctx, req.params.treeSize, 'tree size');
      const index = await ctx.store.transparencyLog.indexOf(leafHashParam(req.params.leafHash));
      if (index === undefined) throw new RelayError('NOT_FOUND', 'no such entry in the log');
      return ok(await proveIndex(ctx, index, treeSize));
    },
  },
  {
    method: 'GET',
    path: '/v1/transparency/inclusion/:treeSize/index/:index',
    handle: async (ctx, req) => {
      await authed(ctx, req);
      const treeSize = await sizeWithin(ctx, req.params.treeSize, 'tree size');
      return ok(await proveIndex(ctx, count(req.params.index, 'index'), treeSize));
    },
  },
  {
    // A whole directory's entries in one round trip; entries not in the log come back as null.
    method: 'POST',
    path: '/v1/transparency/inclusions',
    bodyLimit: 128 * 1024,
    handle: async (ctx, req) => {
      await authed(ctx, req);
      const body = await req.json();
      const treeSize = await sizeWithin(ctx, typeof body.treeSize === 'number' ? String(body.treeSize) : undefined, 'tree size');
      const hashes = body.leafHashes;
      if (!Array.isArray(hashes) || hashes.length > MAX_PROOFS_PER_REQUEST) throw new ValidationError(`leafHashes must be a list of at most ${MAX_PROOFS_PER_REQUEST}`);
      const proofs = [];
      const subtrees = storedSubtrees(ctx.store.transparencyLog);
      for (const h of hashes) {
        const index = await ctx.store.transparencyLog.indexOf(leafHashParam(h));
        proofs.push(index === undefined || index >= treeSize ? null : await proveIndex(ctx, index, treeSize, subtrees));
      }
      return ok({ treeSize, proofs });
    },
  },
  {
    method: 'GET',
    path: '/v1/transparency/consistency/:from/:to',
    handle: async (ctx, req) => {
      await authed(ctx, req);
      const to = await sizeWithin(ctx, req.params.to, 'size');
      const from = count(req.params.from, 'size');
      if (from > to) throw new ValidationError('from must not be larger than to');
      const proof = await consistencyProof(from, to, storedSubtrees(ctx.store.transparencyLog));
      return ok({ from, to, proof: proof.map(toBase64Url) });
    },
  },
  {
    method: 'GET',
    path: '/v1/transparency/entries/:from',
    handle: async (ctx, req) => {
      await authed(ctx, req);
      const leaves = await ctx.store.transparencyLog.leaves(count(req.params.from, 'from'), MAX_LEAVES_PER_REQUEST);
      return ok({ leaves: leaves.map(toBase64Url) });
    },
  },
];
