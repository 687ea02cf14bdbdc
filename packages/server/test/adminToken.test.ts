/**
 * @module adminToken.test
 * `hardline admin token --rotate` writes a new hash into the data directory of a relay that
 * keeps running: the relay must honour it on the next admin request, and refuse the old token
 * on every admin endpoint. The rotation runs on its own SQLite connection, as the CLI does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';

const ADMIN_ENDPOINTS = [
  ['POST', '/v1/admin/invites', {}],
  ['GET', '/v1/admin/devices', undefined],
  ['POST', '/v1/admin/devices/AAAAAAAAAAAAAAAAAAAAAA/revoke', {}],
] as const;

async function statuses(url: string, token: string): Promise<number[]> {
  return Promise.all(ADMIN_ENDPOINTS.map(([method, path, body]) => call(url, method, path, body, token).then((r) => r.status)));
}

it('a token rotated by another process replaces the old one at once, without a restart', async () => {
  const relay = await startTestRelay();
  expect((await call(relay.url, 'POST', '/v1/admin/invites', {}, relay.adminToken)).status).toBe(200);
  // A handle of null is no handle (an invite for any handle), not a malformed one.
  expect((await call(relay.url, 'POST', '/v1/admin/invites', { handle: null }, relay.adminToken)).status).toBe(200);

  const cli = new SqliteRelayStore(relay.dataDir);
  const rotated = await cli.rotateAdminToken();
  await cli.close();
  expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(rotated).not.toBe(relay.adminToken);

  // The old token is refused everywhere (401 before the route looks at its input).
  expect(await statuses(relay.url, relay.adminToken)).toEqual([401, 401, 401]);
  expect((await call(relay.url, 'POST', '/v1/admin/invites', {}, rotated)).status).toBe(200);
  expect((await call(relay.url, 'GET', '/v1/admin/devices', undefined, rotated)).status).toBe(200);

  // Only the hash is kept: the token is in no file of the data directory, and in no log line.
  const files = Buffer.concat(readdirSync(relay.dataDir).map((f) => readFileSync(join(relay.dataDir, f))));
  expect(files.includes(Buffer.from(rotated))).toBe(false);
  expect(relay.logs.join('\n')).not.toContain(rotated);

  // A restart keeps the rotated token and prints none.
  await relay.close();
  const again = await startTestRelay({ dataDir: relay.dataDir });
  expect(again.adminToken).toBe('');
  expect((await call(again.url, 'POST', '/v1/admin/invites', {}, rotated)).status).toBe(200);
  expect((await call(again.url, 'POST', '/v1/admin/invites', {}, relay.adminToken)).status).toBe(401);
});

it('never starts with a dash, which `--token <value>` would read as another option', async () => {
  const { newAdminToken } = await import('../src/session/adminToken.ts');
  // One token in 64 would start with '-' if drawn once: 2,000 draws miss that with p ≈ 2e-14.
  const tokens = Array.from({ length: 2_000 }, () => newAdminToken().token);
  expect(tokens.filter((t) => t.startsWith('-'))).toEqual([]);
  expect(tokens.every((t) => /^[A-Za-z0-9_-]{43}$/.test(t))).toBe(true);
});
