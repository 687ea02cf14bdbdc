/**
 * `hardline settings` shows the org policy in force for this device (issue 13), read afresh from
 * the relay: previews and the app lock among them, the lock marked as the web app's. Against a
 * relay that forges a newer policy, it shows the last verified one and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import type { OrgKeyPair } from '@hardline/protocol';
import { startRelay } from '@hardline/server';
import { ok, tempDir } from '../support/cliHarness.ts';
import { enrolInOrg, forgeOrder, installOrgKey, postOrder } from '../support/orgConsole.ts';

let relay: Awaited<ReturnType<typeof startRelay>> & { dataDir: string };
let key: OrgKeyPair;
let boss: HardlineClient;
const home = tempDir('cli-policy-boss');

beforeAll(async () => {
  const dataDir = tempDir('relay-cli-policy');
  relay = Object.assign(await startRelay({ port: 0, dataDir }), { dataDir });
  key = await installOrgKey(relay);
  boss = await enrolInOrg(relay, key, 'boss', home);
  boss.close();
}, 60_000);

afterAll(async () => {
  await relay?.close();
});

describe('hardline settings', () => {
  it('shows no policy before the security team publishes one', async () => {
    expect(await ok(['--home', home, 'settings'])).toContain('policy: none');
  }, 30_000);

  it('shows the signed policy in force, fetched from the relay, with the app lock marked web-only', async () => {
    await postOrder(relay, key, 'policy', { version: 1, defaults: {}, groups: [{ name: 'principal', members: ['boss'], capabilities: { calls: false, previews: false, appLockSeconds: 300, wipeAfterFailedUnlocks: 10, metadata: 'high' } }] } as never);
    const out = await ok(['--home', home, 'settings']);
    expect(out).toContain('policy: version 1');
    expect(out).toContain('calls: not allowed');
    expect(out).toContain('message previews in notifications: off');
    expect(out).toMatch(/app lock: after 5 min without use, wipe after 10 wrong passphrases \(web app only/);
    expect(out).toContain('privacy: strict');
  }, 30_000);

  it('a policy the relay forged is not shown as in force', async () => {
    forgeOrder(relay, 'policy', { version: 2, defaults: {}, groups: [] } as never);
    const out = await ok(['--home', home, 'settings']);
    expect(out).toContain('policy: version 1');
    expect(out).toContain('do not verify');
  }, 30_000);
});
