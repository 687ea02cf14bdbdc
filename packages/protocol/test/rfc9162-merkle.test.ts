/**
 * @module test/rfc9162-merkle
 * The key-transparency log's Merkle tree (RFC 9162 §2.1) against published vectors: the
 * classic 8-leaf reference tree (its leaves, node hashes and roots, from transparency-dev/merkle
 * testonly/constants.go) and every inclusion and consistency probe of transparency-dev/merkle
 * testdata, kept as data in vectors/. Then properties: proofs for random trees verify, and
 * any change to a proof, a root, an index or a size makes them fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleTreeHash,
  nodeHash,
  subtreesOf,
  verifyConsistency,
  verifyInclusion,
} from '../src/transparency/index.ts';
import { fromBase64Url, fromHex, toHex } from '../src/bytes.ts';

const vector = (name: string) => JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>[];
const b64 = (s: string) => fromBase64Url(s, 64);
const list = (p: unknown) => ((p as string[] | null) ?? []).map(b64);

// testonly/constants.go: LeafInputs, RootHashes (index = tree size) and the level-1 nodes.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => fromHex(h));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEVEL1 = ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e'];

describe('the 8-leaf reference tree', () => {
  const hashes = LEAVES.map(leafHash);
  it('hashes leaves, nodes and every prefix to the published roots', () => {
    expect(toHex(hashes[0]!)).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(toHex(nodeHash(hashes[0]!, hashes[1]!))).toBe(LEVEL1[0]);
    expect(toHex(nodeHash(hashes[2]!, hashes[3]!))).toBe(LEVEL1[1]);
    for (let n = 0; n <= 8; n++) expect(toHex(merkleTreeHash(hashes.slice(0, n)))).toBe(ROOTS[n]);
  });

  it('generates proofs that the probes of the same tree accept', async () => {
    for (const p of vector('rfc6962-inclusion.json').filter((v) => !v.wantErr && (v.treeSize as number) <= 8)) {
      const proof = await inclusionProof(p.leafIdx as number, p.treeSize as number, subtreesOf(hashes.slice(0, p.treeSize as number)));
      expect(proof.map(toHex)).toEqual(list(p.proof).map(toHex));
    }
    for (const p of vector('rfc6962-consistency.json').filter((v) => !v.wantErr && (v.size2 as number) <= 8)) {
      const proof = await consistencyProof(p.size1 as number, p.size2 as number, subtreesOf(hashes.slice(0, p.size2 as number)));
      expect(proof.map(toHex)).toEqual(list(p.proof).map(toHex));
    }
  });
});

describe('transparency-dev/merkle probes', () => {
  it.each(vector('rfc6962-inclusion.json').map((p) => [p.file as string, p] as const))('inclusion %s', (_f, p) => {
    const ok = verifyInclusion(p.leafIdx as number, p.treeSize as number, b64((p.leafHash as string) ?? ''), list(p.proof), b64((p.root as string) ?? ''));
    expect(ok).toBe(!p.wantErr);
  });

  it.each(vector('rfc6962-consistency.json').map((p) => [p.file as string, p] as const))('consistency %s', (_f, p) => {
    const ok = verifyConsistency(p.size1 as number, p.size2 as number, b64((p.root1 as string) ?? ''), b64((p.root2 as string) ?? ''), list(p.proof));
    expect(ok).toBe(!p.wantErr);
  });
});

const leavesArb = fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 70 });
const flip = (h: Uint8Array, bit: number) => {
  const c = h.slice();
  c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
  return c;
};

describe('properties', () => {
  it('an inclusion proof verifies, and fails once anything in it changes', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb, fc.nat(), fc.nat(255), async (leaves, i, bit) => {
        const hashes = leaves.map(leafHash);
        const n = hashes.length;
        const m = i % n;
        const root = merkleTreeHash(hashes);
        const proof = await inclusionProof(m, n, subtreesOf(hashes));
        expect(verifyInclusion(m, n, hashes[m]!, proof, root)).toBe(true);
        expect(verifyInclusion(m, n, flip(hashes[m]!, bit), proof, root)).toBe(false);
        expect(verifyInclusion(m, n, hashes[m]!, proof, flip(root, bit))).toBe(false);
        expect(verifyInclusion(m, n, hashes[m]!, [...proof, root], root)).toBe(false);
        if (proof.length > 0) {
          const k = bit % proof.length;
          expect(verifyInclusion(m, n, hashes[m]!, proof.map((p, j) => (j === k ? flip(p, bit) : p)), root)).toBe(false);
          expect(verifyInclusion(m, n, hashes[m]!, proof.slice(0, -1), root)).toBe(false);
          // The same leaf claimed at another index never verifies (unless the leaves are equal).
          const other = (m + 1) % n;
          if (toHex(hashes[other]!) !== toHex(hashes[m]!)) expect(verifyInclusion(other, n, hashes[m]!, proof, root)).toBe(false);
        }
        expect(verifyInclusion(n, n, hashes[m]!, proof, root)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('a consistency proof verifies, and fails for a rewritten earlier leaf or a tampered proof', async () => {
    await fc.assert(
      fc.asyncProperty(leavesArb, fc.nat(), fc.nat(255), async (leaves, i, bit) => {
        const hashes = leaves.map(leafHash);
        const n = hashes.length;
        const m = 1 + (i % n);
        const first = merkleTreeHash(hashes.slice(0, m));
        const second = merkleTreeHash(hashes);
        const proof = await consistencyProof(m, n, subtreesOf(hashes));
        expect(verifyConsistency(m, n, first, second, proof)).toBe(true);
        // The relay rewrites one entry the first tree already held: no proof joins the heads.
        const rewritten = hashes.slice();
        const j = bit % m;
        rewritten[j] = flip(rewritten[j]!, bit);
        const forged = merkleTreeHash(rewritten);
        expect(verifyConsistency(m, n, first, forged, await consistencyProof(m, n, subtreesOf(rewritten)))).toBe(false);
        expect(verifyConsistency(m, n, first, forged, proof)).toBe(false);
        if (proof.length > 0) {
          const k = bit % proof.length;
          expect(verifyConsistency(m, n, first, second, proof.map((p, x) => (x === k ? flip(p, bit) : p)))).toBe(false);
          expect(verifyConsistency(m, n, first, second, proof.slice(1))).toBe(false);
          expect(verifyConsistency(m, n, first, second, [...proof, second])).toBe(false);
        }
        expect(verifyConsistency(m, n, flip(first, bit), second, proof)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

describe('compact ranges', () => {
  it('give the 8-leaf reference roots, and the RFC root for any size', async () => {
    const { appendToRange, emptyRange, rangeRoot } = await import('../src/transparency/compactRange.ts');
    let range = emptyRange;
    expect(toHex(rangeRoot(range))).toBe(ROOTS[0]);
    LEAVES.forEach((leaf, i) => {
      range = appendToRange(range, leafHash(leaf));
      expect(toHex(rangeRoot(range))).toBe(ROOTS[i + 1]);
    });
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const hashes = leaves.map(leafHash);
        const r = hashes.reduce(appendToRange, emptyRange);
        expect(r.hashes.length).toBe(hashes.length.toString(2).replace(/0/g, '').length);
        expect(toHex(rangeRoot(r))).toBe(toHex(merkleTreeHash(hashes)));
      }),
      { numRuns: 100 },
    );
  });
});
