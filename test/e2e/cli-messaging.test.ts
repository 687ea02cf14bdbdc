/**
 * Two people, then a group, through the real CLI against the real relay on SQLite.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, invite, jsonLines, ok, startRelayProcess, tempDir, type RelayProcess } from '../support/cliHarness.ts';

let relay: RelayProcess;
const home = { alice: tempDir('alice'), bob: tempDir('bob'), carol: tempDir('carol') };
const h = (who: keyof typeof home) => ['--home', home[who]];

beforeAll(async () => {
  relay = await startRelayProcess();
  for (const who of ['alice', 'bob', 'carol'] as const) {
    const code = await invite(relay);
    await ok([...h(who), 'register', '--server', relay.url, '--code', code, '--handle', who, '--name', who.toUpperCase()]);
  }
}, 120_000);

afterAll(async () => {
  await relay?.stop();
});

describe('hardline CLI', () => {
  it('prints the admin token once and an enrolment code as the last line', () => {
    expect(relay.adminToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('two people exchange messages both ways', async () => {
    await ok([...h('alice'), 'contacts', 'add', 'bob', '--name', 'Bob Builder']);
    const contacts = jsonLines(await ok([...h('alice'), 'contacts', 'list', '--json']));
    expect(contacts).toEqual([{ handle: 'bob', name: 'Bob Builder', verified: false }]);

    await ok([...h('alice'), 'send', 'bob', 'hello bob']);
    const got = jsonLines(await ok([...h('bob'), 'read', '--json']));
    expect(got.map((m) => [m.conversation, m.from, m.text])).toEqual([['alice', 'alice', 'hello bob']]);
    expect(Date.parse(got[0]!.sentAt!)).toBeGreaterThan(0);
    expect(Date.parse(got[0]!.receivedAt!)).toBeGreaterThan(0);

    await ok([...h('bob'), 'send', 'alice', 'hi alice']);
    const back = jsonLines(await ok([...h('alice'), 'read', '--json']));
    expect(back.map((m) => [m.from, m.text])).toEqual([['bob', 'hi alice']]);
    // Read twice shows nothing twice.
    expect(jsonLines(await ok([...h('alice'), 'read', '--json']))).toEqual([]);
  }, 120_000);

  it('a third joins a group, and a removed member cannot read what follows', async () => {
    await ok([...h('alice'), 'group', 'create', 'team', '--members', 'bob']);
    await ok([...h('alice'), 'send', 'team', 'first to team']);
    expect(jsonLines(await ok([...h('bob'), 'read', '--json'])).map((m) => [m.conversation, m.text])).toEqual([['team', 'first to team']]);

    await ok([...h('alice'), 'group', 'add', 'team', 'carol']);
    await ok([...h('bob'), 'send', 'team', 'welcome carol']);
    const carol = jsonLines(await ok([...h('carol'), 'read', '--json']));
    expect(carol.map((m) => [m.conversation, m.from, m.text])).toEqual([['team', 'bob', 'welcome carol']]);

    await ok([...h('alice'), 'read']);
    await ok([...h('alice'), 'group', 'remove', 'team', 'bob']);
    await ok([...h('alice'), 'send', 'team', 'after bob left']);
    const carol2 = jsonLines(await ok([...h('carol'), 'read', '--json']));
    expect(carol2.map((m) => m.text)).toContain('after bob left');
    const bob = jsonLines(await ok([...h('bob'), 'read', '--json']));
    expect(bob.map((m) => m.text)).not.toContain('after bob left');
    // Bob can no longer send to the group either.
    const r = await cli([...h('bob'), 'send', 'team', 'am I still here?']);
    expect(r.code).toBe(3);
    expect(jsonLines(await ok([...h('carol'), 'read', '--json']))).toEqual([]);
  }, 180_000);

  it('bad input gets one clear line and a non-zero exit', async () => {
    const unknown = await cli([...h('alice'), 'send', 'nobody-here', 'x']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);

    const unknownCode = await cli(['--home', tempDir('x'), 'register', '--server', relay.url, '--code', 'AAAAA-BBBBB-CCCCC-DDDDD', '--handle', 'mallory']);
    expect(unknownCode.code).toBe(4);
    expect(unknownCode.stderr).toMatch(/BAD_CODE/);

    const plain = await cli(['--home', tempDir('y'), 'register', '--server', 'http://relay.example.org', '--code', 'x', '--handle', 'eve']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/https/);

    const down = await cli(['--home', tempDir('z'), 'register', '--server', 'http://127.0.0.1:1', '--code', 'x', '--handle', 'eve']);
    expect(down.code).toBe(5);

    const usage = await cli([...h('alice'), 'send']);
    expect(usage.code).toBe(2);

    const noHome = await cli(['--home', tempDir('empty'), 'read']);
    expect(noHome.code).toBe(2);

    const corrupt = tempDir('corrupt');
    writeFileSync(join(corrupt, 'state.enc'), 'garbage that is not a state file at all');
    writeFileSync(join(corrupt, 'state.key'), Buffer.alloc(32));
    chmodSync(join(corrupt, 'state.key'), 0o600);
    const bad = await cli(['--home', corrupt, 'read']);
    expect(bad.code).toBe(7);
    expect(bad.stderr).toMatch(/corrupt/);
  }, 120_000);

  it('a message that cannot be sent stays queued and goes out later', async () => {
    const url = relay.url;
    await relay.stop();
    const r = await cli([...h('alice'), 'send', 'team', 'sent while relay was down']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/queued/);
    relay = await startRelayProcess(relay.dataDir, Number(new URL(url).port));
    // The queued envelopes go out with the next command.
    const again = await cli([...h('alice'), 'send', 'team', 'and one more']);
    expect(again.code, again.stderr).toBe(0);
    const carol = jsonLines(await ok([...h('carol'), 'read', '--json']));
    expect(carol.map((m) => m.text)).toEqual(['sent while relay was down', 'and one more']);
  }, 120_000);

  it('a group is renamed for everyone, and a member leaves it', async () => {
    await ok([...h('carol'), 'read']);
    expect(await ok([...h('alice'), 'group', 'rename', 'team', 'harbour'])).toContain('renamed group team to harbour');
    await ok([...h('alice'), 'send', 'harbour', 'renamed']);
    expect(jsonLines(await ok([...h('carol'), 'read', '--json'])).map((m) => [m.conversation, m.text])).toEqual([['harbour', 'renamed']]);
    const missing = await cli([...h('alice'), 'group', 'rename', 'team', 'x']);
    expect([missing.code, missing.stderr.trim().split('\n').length]).toEqual([3, 1]);
    expect((await cli([...h('alice'), 'group', 'rename', 'harbour'])).code).toBe(2);

    expect(await ok([...h('carol'), 'group', 'leave', 'harbour'])).toContain('left group harbour');
    await ok([...h('alice'), 'read']);
    await ok([...h('alice'), 'send', 'harbour', 'after carol left']);
    expect(jsonLines(await ok([...h('carol'), 'read', '--json'])).map((m) => m.text)).not.toContain('after carol left');
    expect((await cli([...h('carol'), 'send', 'harbour', 'back?'])).code).toBe(3);
  }, 180_000);
});
