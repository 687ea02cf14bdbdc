/**
 * TURN: the relay mints TURN REST credentials, bought with an anonymous token, that a real
 * coturn (started the way `hardline server` starts it) accepts, and that expire; without TURN
 * the relay says so. The attacks on the purchase are in anonymousTurnCredentials.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTurnserver, mintTurnCredentials, startCoturn, startRelay, type CoturnHandle } from '../src/index.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { runTurnClient } from './support/turnClient.ts';

async function allocate(port: number, username: string, password: string): Promise<boolean> {
  const out = await runTurnClient(['-p', String(port), '-u', username, '-w', password, '-n', '1', '-m', '1', '-y', '127.0.0.1'], 10_000);
  return /Total lost packets 0/.test(out) && !/Cannot complete Allocation/.test(out);
}

let coturn: CoturnHandle | undefined;
afterAll(async () => {
  await coturn?.stop();
});

describe('TURN', () => {
  it('coturn is installed (CI installs it)', () => {
    expect(findTurnserver()).toBeDefined();
  });

  it('credentials bought with a TURN token are accepted by coturn; forged or expired ones are not', async () => {
    coturn = await startCoturn(findTurnserver()!, { port: 3578, minPort: 49700, maxPort: 49800, allowLoopbackPeers: true });
    const port = Number(/:(\d+)\?/.exec(coturn.config.urls[0]!)![1]);
    const relay = await startRelay({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hl-turn-')), turn: coturn.config });
    try {
      const device = await enrolDevice(relay.url, relay.adminToken!, 'alice');
      const [token] = await fetchTokens(relay.url, device.token, 1, 'turn');
      // No session on the purchase: the token alone pays.
      const res = await fetch(`${relay.url}/v1/turn/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { iceServers: { urls: string[]; username: string; credential: string }[]; relayOnly: boolean };
      expect(body.relayOnly).toBe(true);
      const ice = body.iceServers[0]!;
      expect(ice.username).not.toContain('alice');
      expect(await allocate(port, ice.username, ice.credential)).toBe(true);
      expect(await allocate(port, ice.username, 'forged')).toBe(false);
      const expired = mintTurnCredentials({ ...coturn.config, ttlSeconds: -60 }, Date.now());
      expect(await allocate(port, expired.iceServers[0]!.username, expired.iceServers[0]!.credential)).toBe(false);
      const unpaid = await fetch(`${relay.url}/v1/turn/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(unpaid.status).toBe(401);
    } finally {
      await relay.close();
    }
  }, 60_000);

  it("coturn's secret is on no command line, only in a 0600 file that goes when coturn does", async () => {
    const own = await startCoturn(findTurnserver()!, { port: 3598, minPort: 49900, maxPort: 49950 });
    try {
      // Every local user can read /proc/PID/cmdline (that is what `ps` shows).
      const cmdline = readFileSync(`/proc/${own.child.pid}/cmdline`);
      expect(cmdline.includes(Buffer.from(own.config.secret))).toBe(false);
      expect(statSync(own.configFile).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(own.configFile)).mode & 0o777).toBe(0o700);
      expect(readFileSync(own.configFile, 'utf8')).toContain(own.config.secret);
    } finally {
      await own.stop();
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(own.configFile)).toBe(false);
  }, 30_000);

  it('without a TURN server the relay reports relayOnly=false', async () => {
    const relay = await startRelay({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hl-noturn-')) });
    try {
      const body = await (await fetch(`${relay.url}/v1/turn/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
      expect(body).toEqual({ iceServers: [], ttlSeconds: 0, relayOnly: false });
    } finally {
      await relay.close();
    }
  });
});
