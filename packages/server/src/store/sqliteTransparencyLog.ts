/**
 * @module sqliteTransparencyLog
 * The key-transparency log in relay.db. Appending a leaf stores its hash and every complete
 * subtree it closes (amortised two rows, at most log2 n + 1), so reads never rehash the log:
 * a tree head reads the O(log n) subtrees that make up the tree, a proof O(log n) more.
 */
import type Database from 'better-sqlite3';
import { leafHash, nodeHash } from '@hardline/protocol';
import type { TransparencyLog } from './transparencyLog.ts';

/** Appends inside the caller's transaction (synchronous, like every better-sqlite3 write). */
export function appendLogLeaf(db: Database.Database, leaf: Uint8Array): number {
  // max(idx) reads one end of the primary key's b-tree; count(*) would scan the table.
  const size = db.prepare<[], { n: number }>('SELECT coalesce(max(idx) + 1, 0) AS n FROM transparency_leaves').get()!.n;
  const hash = leafHash(leaf);
  db.prepare('INSERT INTO transparency_leaves (idx, leaf, leaf_hash) VALUES (?, ?, ?)').run(size, Buffer.from(leaf), Buffer.from(hash));
  const insertNode = db.prepare('INSERT INTO transparency_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const getNode = db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM transparency_nodes WHERE level = ? AND idx = ?');
  insertNode.run(0, size, Buffer.from(hash));
  // A right child closes its parent: climb while this node is one.
  let level = 0;
  let index = size;
  let current = hash;
  while (index % 2 === 1) {
    const left = getNode.get(level, index - 1)!.hash;
    current = nodeHash(left, current);
    index = (index - 1) / 2;
    level += 1;
    insertNode.run(level, index, Buffer.from(current));
  }
  return size;
}

export class SqliteTransparencyLog implements TransparencyLog {
  readonly #s;

  constructor(db: Database.Database) {
    this.#s = {
      size: db.prepare<[], { n: number }>('SELECT coalesce(max(idx) + 1, 0) AS n FROM transparency_leaves'),
      node: db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM transparency_nodes WHERE level = ? AND idx = ?'),
      indexOf: db.prepare<[Buffer], { idx: number }>('SELECT idx FROM transparency_leaves WHERE leaf_hash = ? ORDER BY idx LIMIT 1'),
      leaves: db.prepare<[number, number], { leaf: Buffer }>('SELECT leaf FROM transparency_leaves WHERE idx >= ? ORDER BY idx LIMIT ?'),
    };
  }

  async size(): Promise<number> {
    return this.#s.size.get()!.n;
  }

  async node(level: number, index: number): Promise<Uint8Array | undefined> {
    const row = this.#s.node.get(level, index);
    return row && new Uint8Array(row.hash);
  }

  async indexOf(hash: Uint8Array): Promise<number | undefined> {
    return this.#s.indexOf.get(Buffer.from(hash))?.idx;
  }

  async leaves(from: number, count: number): Promise<readonly Uint8Array[]> {
    return this.#s.leaves.all(from, count).map((r) => new Uint8Array(r.leaf));
  }
}
