/**
 * `hardline settings privacy` and `hardline send` under the send scheduler, with real processes:
 * a short-lived CLI at level balanced waits for its slot, so the operator's trace shows no post
 * within the quiet period after the command's authenticated requests; `--now` is the weaker
 * escape hatch; a bad level is a usage error that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayApi, SLOT_PARAMS } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { startRelay, type ObserverEvent } from '@hardline/server';
import { cli, ok, tempDir } from '../support/cliHarness.ts';

const trace: ObserverEvent[] = [];
let relay: Awaited<ReturnType<typeof startRelay>>;
const aliceHome = tempDir('cli-priv-alice');
const bobHome = tempDir('cli-priv-bob');

async function register(home: string, handle: string): Promise<void> {
  const { code } = await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!);
  await ok(['--home', home, 'register', '--server', relay.url, '--code', code, '--handle', handle]);
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-cli-priv'), observer: (e) => trace.push(e) });
  await register(aliceHome, 'alice');
  await register(bobHome, 'bob');
}, 60_000);

afterAll(async () => {
  await relay?.close();
});

describe('hardline settings privacy', () => {
  it('refuses an unknown level and keeps the setting', async () => {
    const bad = await cli(['--home', aliceHome, 'settings', 'privacy', 'loud']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown privacy level');
    expect((await ok(['--home', aliceHome, 'settings', 'privacy'])).trim()).toBe('privacy: off');
  }, 30_000);

  it('at balanced, send waits for its slot: no post follows the session within the quiet period', async () => {
    expect((await ok(['--home', aliceHome, 'settings', 'privacy', 'balanced'])).trim()).toBe('privacy: balanced');
    const from = trace.length;
    await ok(['--home', aliceHome, 'send', 'bob', 'scheduled']);
    const events = trace.slice(from);
    const alice = new Set(events.filter((e) => e.kind === 'auth').map((e) => e.conn));
    const session = events.filter((e) => alice.has(e.conn) && e.kind !== 'connect' && e.kind !== 'disconnect').map((e) => e.t);
    const posts = events.filter((e) => e.kind === 'post');
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.filter((p) => session.some((t) => t <= p.t && p.t - t < SLOT_PARAMS.balanced.quietMs))).toEqual([]);
    await ok(['--home', aliceHome, 'send', 'bob', 'at once', '--now']);
    const read = await ok(['--home', bobHome, 'read', '--json']);
    expect(read.trim().split('\n').map((l) => JSON.parse(l).text)).toEqual(['scheduled', 'at once']);
  }, 60_000);
});
