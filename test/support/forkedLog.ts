/**
 * @module test/support/forkedLog
 * A relay that forks its key-transparency log for one client (a split view). The relay is the
 * attacker, so it holds its own log key (read from its database here) and signs whatever it
 * likes: to the victim it serves a log, tree heads, proofs and a directory in which chosen
 * people's identity keys are keys of its own, while everyone else sees the honest log. The
 * forked log is internally consistent (every head the victim sees extends the last), so only
 * a comparison with what others were shown can reveal it.
 *
 * Played through the victim's transport: every answer the relay gives that client passes
 * through here, exactly where a forking relay would put its lies; the rest goes to the relay.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Transport } from '@hardline/client';
import {
  consistencyProof,
  decodeLogEntry,
  encodeLogEntry,
  fromBase64Url,
  identityKeyEntry,
  inclusionProof,
  leafHash,
  LogEntryTypes,
  merkleTreeHash,
  signTreeHead,
  subtreesOf,
  toBase64Url,
  type Handle,
} from '@hardline/protocol';
import { SQLITE_FILE_NAME, type RelayHandle } from '@hardline/server';
import { appendLogLeaf } from '../../packages/server/src/store/sqliteTransparencyLog.ts';

type Relay = RelayHandle & { readonly dataDir: string };

export type LogFork = {
  /** The victim's transport: pass it to the victim's client. */
  readonly transport: Transport;
  /** From now on the victim is shown `identityKey` for `handle`, in the directory and in the log. */
  showKey(handle: string, identityKey: string): void;
  /** A careless fork: heads and proofs from the forked log, but the honest log's entries. */
  honestEntries: boolean;
};

export type ForkOptions = {
  /**
   * A log of its own from the very first contact: the victim is told this log key (`GET /v1/org`)
   * and every head it is served is signed with it, so the victim pins a key nobody else holds and
   * no head of the honest log ever verifies on the victim's device, nor the victim's on anyone's.
   */
  readonly logKey?: { readonly publicKey: string; readonly secretKey: string };
};

export function forkLogFor(relay: Relay, base: Transport, options: ForkOptions = {}): LogFork {
  const shown = new Map<string, string>();
  const read = <T>(f: (db: Database.Database) => T): T => {
    const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      return f(db);
    } finally {
      db.close();
    }
  };
  /** The honest log with the shown keys put in place of the logged ones. */
  const forkedLeaves = (): Uint8Array[] =>
    read((db) => db.prepare<[], { leaf: Buffer }>('SELECT leaf FROM transparency_leaves ORDER BY idx').all()).map((r) => {
      const entry = decodeLogEntry(new Uint8Array(r.leaf));
      const key = entry.type === LogEntryTypes.IDENTITY_KEY ? shown.get(entry.handle) : undefined;
      return key ? encodeLogEntry(identityKeyEntry(entry.handle as Handle, key)) : new Uint8Array(r.leaf);
    });
  const forkedHashes = (): Uint8Array[] => forkedLeaves().map(leafHash);
  const logSecret = () => options.logKey?.secretKey ?? read((db) => db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'transparency_log_key'").get()!.value);
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

  const fetchForked = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const path = url.pathname;
    if (shown.size === 0 && !options.logKey) return base.fetch(input, init);
    if (method === 'GET' && path === '/v1/org' && options.logKey) {
      const real = (await (await base.fetch(input, init)).json()) as Record<string, unknown>;
      return json({ ...real, logKey: options.logKey.publicKey });
    }
    if (method === 'GET' && path === '/v1/directory') {
      const real = (await (await base.fetch(input, init)).json()) as { users: { handle: string; identityKey?: string }[] };
      return json({ users: real.users.map((u) => (shown.has(u.handle) ? { ...u, identityKey: shown.get(u.handle) } : u)) });
    }
    if (method === 'GET' && path === '/v1/transparency/head') {
      const hashes = forkedHashes();
      return json(signTreeHead(logSecret(), { treeSize: hashes.length, rootHash: merkleTreeHash(hashes), timestamp: Date.now() }));
    }
    const consistency = /^\/v1\/transparency\/consistency\/(\d+)\/(\d+)$/.exec(path);
    if (method === 'GET' && consistency) {
      const [from, to] = [Number(consistency[1]), Number(consistency[2])];
      const proof = await consistencyProof(from, to, subtreesOf(forkedHashes().slice(0, to)));
      return json({ from, to, proof: proof.map(toBase64Url) });
    }
    const entries = /^\/v1\/transparency\/entries\/(\d+)$/.exec(path);
    if (method === 'GET' && entries && !fork.honestEntries) {
      return json({ leaves: forkedLeaves().slice(Number(entries[1]), Number(entries[1]) + 1_000).map(toBase64Url) });
    }
    if (method === 'POST' && path === '/v1/transparency/inclusions') {
      const { treeSize, leafHashes } = JSON.parse(String(init?.body)) as { treeSize: number; leafHashes: string[] };
      const hashes = forkedHashes().slice(0, treeSize);
      const keys = hashes.map(toBase64Url);
      const proofs = [];
      for (const h of leafHashes) {
        const index = keys.indexOf(toBase64Url(fromBase64Url(h)));
        proofs.push(index < 0 ? null : { leafIndex: index, treeSize, proof: (await inclusionProof(index, treeSize, subtreesOf(hashes))).map(toBase64Url) });
      }
      return json({ treeSize, proofs });
    }
    return base.fetch(input, init);
  };

  const fork: LogFork = {
    transport: { fetch: fetchForked as typeof fetch, openWebSocket: (u) => base.openWebSocket(u) },
    showKey: (handle, identityKey) => void shown.set(handle, identityKey),
    honestEntries: false,
  };
  return fork;
}

/** Request headers the Node fetch may send on; the rest are the browser's own business. */
const PASSED = ['authorization', 'content-type', 'accept'];
/** Response headers that no longer hold once Node's fetch has decoded the body. */
const DROPPED = ['content-encoding', 'content-length', 'transfer-encoding', 'connection'];

/**
 * A web app as the victim: every request its page makes for the org's keys, the directory and
 * the key log goes through the fork, where a forking relay would answer it.
 */
export async function routeBrowserThroughFork(ctx: BrowserContext, f: LogFork): Promise<void> {
  await ctx.route(
    (url) => url.pathname === '/v1/org' || url.pathname === '/v1/directory' || url.pathname.startsWith('/v1/transparency/'),
    async (route) => {
      const req = route.request();
      const headers = Object.fromEntries(Object.entries(await req.allHeaders()).filter(([k]) => PASSED.includes(k.toLowerCase())));
      const res = await f.transport.fetch(req.url(), { method: req.method(), headers, ...(req.postData() !== null ? { body: req.postData()! } : {}) });
      await route.fulfill({
        status: res.status,
        headers: Object.fromEntries([...res.headers].filter(([k]) => !DROPPED.includes(k.toLowerCase()))),
        body: Buffer.from(await res.arrayBuffer()),
      });
    },
  );
}

/**
 * The relay rewrites its history: the logged identity key of `handle` becomes `identityKey`,
 * every stored node is rebuilt to match, and one more entry is appended so that the next head
 * looks like ordinary growth. Devices that hold an earlier head can no longer be given a
 * consistency proof to the new one.
 */
export function rewriteLoggedKey(relay: Relay, handle: string, identityKey: string): void {
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  try {
    const leaves = db.prepare<[], { leaf: Buffer }>('SELECT leaf FROM transparency_leaves ORDER BY idx').all().map((r): Uint8Array => {
      const entry = decodeLogEntry(new Uint8Array(r.leaf));
      return entry.type === LogEntryTypes.IDENTITY_KEY && entry.handle === handle ? encodeLogEntry(identityKeyEntry(handle as Handle, identityKey)) : new Uint8Array(r.leaf);
    });
    db.transaction(() => {
      db.exec('DELETE FROM transparency_leaves; DELETE FROM transparency_nodes;');
      for (const leaf of [...leaves, encodeLogEntry(identityKeyEntry('padding' as Handle, identityKey))]) appendLogLeaf(db, leaf);
    })();
  } finally {
    db.close();
  }
}
