/**
 * @module test/support/orgConsole
 * The security team's side for tests: an org key, signed orders posted to a real relay, clients
 * enrolled with invites that carry the org key's fingerprint. And the hostile relay's side:
 * orders written straight into its own database, which no org key signed.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { HardlineClient, RelayApi } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { joinInviteCode, newOrgKey, orderHash, signOrder, type OrderBody, type OrderKind, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { SQLITE_FILE_NAME } from '@hardline/server';
import { tempDir } from './cliHarness.ts';

export type OrgRelay = { readonly url: string; readonly adminToken?: string; readonly dataDir: string };

const api = (relay: OrgRelay) => new RelayApi(new URL(relay.url), nodeTransport);

export async function installOrgKey(relay: OrgRelay, key: OrgKeyPair = newOrgKey()): Promise<OrgKeyPair> {
  const order = signOrder(key, 'org-key', { name: 'Test Org' }, { seq: 1, prev: '0'.repeat(64) });
  await api(relay).request('POST', '/v1/org/key', { order }, { bearer: relay.adminToken! });
  return key;
}

export async function postOrder<K extends OrderKind>(relay: OrgRelay, key: OrgKeyPair, kind: K, body: OrderBody[K]): Promise<SignedOrder<K>> {
  const head = await api(relay).request<{ seq: number; hash: string }>('GET', '/v1/org/head');
  const order = signOrder(key, kind, body, { seq: head.seq + 1, prev: head.hash });
  await api(relay).request('POST', '/v1/org/orders', { order });
  return order;
}

/** A signed invite, as `hardline admin invite --org-key` makes it: the code carries the org key's and the log key's fingerprints. */
export async function orgInvite(relay: OrgRelay, key: OrgKeyPair, handle?: string): Promise<string> {
  const code = randomBytes(10).toString('hex').toUpperCase();
  const body = { codeHash: createHash('sha256').update(code).digest('hex'), ...(handle ? { handle: handle as never } : {}), expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
  await postOrder(relay, key, 'invite', body);
  const { logKey } = await api(relay).request<{ logKey: string }>('GET', '/v1/org');
  return joinInviteCode(code, key.publicKey, logKey);
}

export async function enrolInOrg(relay: OrgRelay, key: OrgKeyPair, handle: string, home = tempDir(handle)): Promise<HardlineClient> {
  return HardlineClient.register(nodeClientOptions(home), { server: relay.url, code: await orgInvite(relay, key, handle), handle, displayName: handle.toUpperCase() });
}

/** The hostile relay appends an order of its own making to its store, chained after its head. */
export function forgeOrder<K extends OrderKind>(relay: OrgRelay, kind: K, body: OrderBody[K], signer: OrgKeyPair = newOrgKey(), claimKey?: string): SignedOrder<K> {
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  try {
    const head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM org_orders ORDER BY seq DESC LIMIT 1').get()!;
    const signed = signOrder(signer, kind, body, { seq: head.seq + 1, prev: head.hash });
    // Claims the org's key while signed by another: what a relay without the org key can do best.
    const order = (claimKey ? { ...signed, orgKey: claimKey } : signed) as SignedOrder<K>;
    db.prepare('INSERT INTO org_orders (seq, kind, order_json, hash) VALUES (?, ?, ?, ?)').run(order.seq, kind, JSON.stringify(order), orderHash(order));
    return order;
  } finally {
    db.close();
  }
}

/** The hostile relay edits its stored history: `edit` gets each order's JSON and returns the new one (or undefined to delete it). */
export function rewriteOrders(relay: OrgRelay, edit: (order: SignedOrder) => SignedOrder | undefined): void {
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  try {
    for (const r of db.prepare<[], { seq: number; order_json: string }>('SELECT seq, order_json FROM org_orders ORDER BY seq').all()) {
      const next = edit(JSON.parse(r.order_json));
      if (next === undefined) db.prepare('DELETE FROM org_orders WHERE seq = ?').run(r.seq);
      else db.prepare('UPDATE org_orders SET order_json = ? WHERE seq = ?').run(JSON.stringify(next), r.seq);
    }
  } finally {
    db.close();
  }
}

/**
 * The hostile relay withholds the org's orders from `fromSeq` on: it serves the chain cut short
 * (what a relay already taken over at a device's enrolment would do to hide the policy that
 * names the team's hop). `restore` puts them back, as the relay taken back would serve them.
 */
export function withholdOrders(relay: OrgRelay, fromSeq: number): { restore(): void } {
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  let rows: { seq: number; kind: string; order_json: string; hash: string }[];
  try {
    rows = db.prepare<[number], { seq: number; kind: string; order_json: string; hash: string }>('SELECT seq, kind, order_json, hash FROM org_orders WHERE seq >= ? ORDER BY seq').all(fromSeq);
    db.prepare('DELETE FROM org_orders WHERE seq >= ?').run(fromSeq);
  } finally {
    db.close();
  }
  return {
    restore() {
      const again = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
      try {
        const put = again.prepare('INSERT INTO org_orders (seq, kind, order_json, hash) VALUES (?, ?, ?, ?)');
        for (const r of rows) put.run(r.seq, r.kind, r.order_json, r.hash);
      } finally {
        again.close();
      }
    },
  };
}
