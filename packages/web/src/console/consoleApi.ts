/**
 * @module console/consoleApi
 * The console's calls to its own relay (same origin): signed orders go up with no token; the
 * reads (devices, briefing, the order chain) carry the relay's admin token, held in memory only.
 */
import { checkChain, isLogPublicKey, orderSigningBytes, parseOrder, randomBytes, toHex, unsignedOrder, type ChainCheck, type OrderBody, type OrderKind, type SignedOrder } from '@hardline/protocol';
import { signWith, type BrowserOrgKey } from './browserOrgKey.ts';

export type AdminDevice = { deviceId: string; handle: string; name: string | null; platform: string | null; revoked: boolean; enrolledOn: string | null; lastSeenOn: string | null; policyVersion: number; oldPolicy: boolean };
export type Briefing = { day: string; policyVersion: number; counts: Record<string, number>; relayRefusals: Record<string, number>; devicesOnOldPolicy: unknown[]; devicesNotSeen: unknown[]; notSeenDays: number };

async function call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) throw new Error(`${json.error?.message ?? `HTTP ${res.status}`} (${json.error?.code ?? res.status})`);
  return json as T;
}

export async function signAndPost<K extends OrderKind>(key: BrowserOrgKey, kind: K, body: OrderBody[K]): Promise<SignedOrder<K>> {
  const head = await call<{ seq: number; hash: string }>('GET', '/v1/org/head');
  const unsigned = unsignedOrder(key.publicKey, kind, body, { seq: head.seq + 1, prev: head.hash });
  const order = { ...unsigned, signature: await signWith(key, orderSigningBytes(unsigned)) };
  await call('POST', '/v1/org/orders', { order });
  return order;
}

/** Installs the org key at the relay: its self-signed first order, with the admin token, once. */
export async function installKey(key: BrowserOrgKey, token: string, name: string): Promise<void> {
  const unsigned = unsignedOrder(key.publicKey, 'org-key', { name }, { seq: 1, prev: '0'.repeat(64) });
  await call('POST', '/v1/org/key', { order: { ...unsigned, signature: await signWith(key, orderSigningBytes(unsigned)) } }, token);
}

export async function relayOrgKey(): Promise<string | null> {
  return (await call<{ orgKey: string | null }>('GET', '/v1/org')).orgKey;
}

/** The relay's key-transparency log key, as this console is shown it: invites name it (protocol joinInviteCode). */
export async function relayLogKey(): Promise<string | undefined> {
  const { logKey } = await call<{ logKey?: unknown }>('GET', '/v1/org');
  return isLogPublicKey(logKey) ? logKey : undefined;
}

export const devices = async (token: string) => (await call<{ devices: AdminDevice[] }>('GET', '/v1/admin/org/devices', undefined, token)).devices;
export const briefing = (token: string, notSeenDays = 7) => call<Briefing>('GET', `/v1/admin/briefing/${notSeenDays}`, undefined, token);

/** The whole order chain, checked against the console's key: a relay that edited it shows a break. */
export async function auditChain(token: string, orgKey: string): Promise<ChainCheck> {
  const orders: SignedOrder[] = [];
  for (;;) {
    const page = await call<{ orders: unknown[] }>('GET', `/v1/admin/org/orders/after/${orders.length}`, undefined, token);
    if (page.orders.length === 0) break;
    orders.push(...page.orders.map(parseOrder));
  }
  return checkChain(orders, orgKey);
}

/** A one-time invite code made here, so the relay never picks it; only its hash goes up. */
export async function newInviteCode(): Promise<{ code: string; hash: string }> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(20);
  let code = '';
  for (let i = 0; i < 20; i++) code += alphabet[bytes[i]! & 31] + (i % 5 === 4 && i < 19 ? '-' : '');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code.replace(/-/g, ''))));
  return { code, hash: toHex(digest) };
}
