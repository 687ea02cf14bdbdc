/**
 * @module serverPushFlag.test
 * `hardline server --push off`: an organisation that wants no vendor push service to learn when
 * its devices are woken. The relay says so, tells apps (`GET /v1/push`), and refuses targets;
 * bad flags stop the start with a usage error.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BIN } from '../../../test/support/cliHarness.ts';
import { pushFrom } from '../../cli/src/commands/serverPush.ts';
import { spawnListening } from './support/cliProcess.ts';
import { tmpDir } from './support/tmpDir.ts';

it('--push off: the relay says push is off and tells the apps', async () => {
  const { child, url, stderr } = await spawnListening(BIN, ['server', '--port', '0', '--data', join(tmpDir(), 'd'), '--turn', 'off', '--push', 'off']);
  try {
    expect(await (await fetch(`${url}/v1/push`)).json()).toEqual({ enabled: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(stderr()).toContain('push wake-ups are off');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}, 60_000);

it('reads --push and --push-subject, refusing what a push service would not take', () => {
  expect(pushFrom('on', undefined)).toBeUndefined();
  expect(pushFrom('off', undefined)).toBe(false);
  expect(pushFrom('on', 'mailto:security@example.org')).toEqual({ subject: 'mailto:security@example.org' });
  expect(pushFrom('on', 'https://example.org/contact')).toEqual({ subject: 'https://example.org/contact' });
  for (const [mode, subject] of [['maybe', undefined], ['on', 'security@example.org'], ['on', 'http://example.org'], ['off', 'mailto:a@b.c']] as const) {
    expect(() => pushFrom(mode, subject), `${mode} ${subject}`).toThrow(expect.objectContaining({ code: 'USAGE' }));
  }
});
