/**
 * Issue 13's device list from the CLI: a device enrolled with `--device-name`, one linked
 * without (named after its platform, "CLI on <os>", never its host name) and a rename with
 * `hardline device name` all show in `hardline admin devices`, in text and JSON. A name the
 * relay refuses (a direction mark that would let it pass for another) fails with exit 2 and
 * keeps the name before; a failed name never undoes an enrolment.
 */
import { hostname } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, invite, jsonLines, ok, startRelayProcess, tempDir, type RelayProcess } from '../support/cliHarness.ts';

let relay: RelayProcess;
let tokenFile: string;
const home = { alice: tempDir('alice'), alice2: tempDir('alice2') };
const h = (who: keyof typeof home) => ['--home', home[who]];
const admin = async () => jsonLines(await ok(['admin', 'devices', '--json', '--server', relay.url, '--token-file', tokenFile])) as { deviceId: string; name: string | null; platform: string | null }[];

beforeAll(async () => {
  relay = await startRelayProcess();
  tokenFile = join(tempDir('token'), 'admin.token');
  writeFileSync(tokenFile, relay.adminToken);
}, 60_000);
afterAll(async () => relay?.stop());

describe('device names in the CLI', () => {
  it('names devices at enrolment and linking, and lists them for the security team', async () => {
    const out = await ok([...h('alice'), 'register', '--server', relay.url, '--code', await invite(relay), '--handle', 'alice', '--device-name', 'Ops laptop']);
    const first = out.match(/device ([0-9a-f]{32})/)![1]!;
    const code = (await ok([...h('alice'), 'device', 'link'])).trim().split('\n').at(-1)!;
    const joined = await ok([...h('alice2'), 'device', 'join', code, '--server', relay.url]);
    const second = joined.match(/device ([0-9a-f]{32})/)![1]!;
    const platform = `CLI on ${process.platform === 'linux' ? 'Linux' : process.platform === 'darwin' ? 'macOS' : ''}`;
    const list = await admin();
    expect(list.find((d) => d.deviceId === first)).toMatchObject({ name: 'Ops laptop', platform });
    expect(list.find((d) => d.deviceId === second)).toMatchObject({ name: platform, platform });
    expect(JSON.stringify(list)).not.toContain(hostname());
    const text = await ok(['admin', 'devices', '--server', relay.url, '--token-file', tokenFile]);
    expect(text).toMatch(new RegExp(`${first}  alice  "Ops laptop" \\(${platform}\\)  enrolled \\d{4}-\\d\\d-\\d\\d`));
  }, 90_000);

  it('renames a device, and refuses a look-alike name with exit 2, keeping the old one', async () => {
    expect(await ok([...h('alice2'), 'device', 'name', 'Home', 'desktop'])).toMatch(/now "Home desktop"/);
    const bad = await cli([...h('alice2'), 'device', 'name', 'Ops\u202Epotpal']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect((await admin()).map((d) => d.name)).toEqual(expect.arrayContaining(['Ops laptop', 'Home desktop']));
    expect((await cli([...h('alice2'), 'device', 'name'])).code).toBe(2);
  }, 60_000);
});
