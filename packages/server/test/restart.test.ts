/**
 * @module restart.test
 * Closing and reopening a relay on the same data directory keeps envelopes, users and the
 * cipher suite, and does not hand out a new admin token.
 */
import { expect, it } from 'vitest';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';
import { openInbox } from './support/wsClient.ts';
import { tmpDir } from './support/tmpDir.ts';

it('keeps state across a restart and prints the admin token only once', async () => {
  const dataDir = tmpDir();
  const first = await startTestRelay({ dataDir, suite: 'MLS_256_XWING_AES256GCM_SHA512_Ed25519' });
  expect(first.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const m = await createMailbox(first.store);
  const posted = [postFrame(m, 'a'), postFrame(m, 'b')];
  for (const p of posted) expect((await call(first.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
  const dev = await enrolDevice(first.url, first.adminToken, 'alice');
  await first.close();

  const second = await startTestRelay({ dataDir });
  expect(second.adminToken).toBe('');
  expect((await call(second.url, 'GET', '/v1/org')).body.ciphersuite).toBe('MLS_256_XWING_AES256GCM_SHA512_Ed25519');
  // The old admin token still works: only its hash was stored, and it was kept.
  expect((await call(second.url, 'POST', '/v1/admin/invites', {}, first.adminToken)).status).toBe(200);
  // Sessions are memory-only: the old token is gone, a fresh signature opens a new one.
  expect((await call(second.url, 'GET', '/v1/directory', undefined, dev.token)).status).toBe(401);
  const again = await enrolDevice(second.url, first.adminToken, 'bob');
  const { socket } = await openInbox(second.url, again.token, [m]);
  for (const p of posted) expect((await socket.binary()).subarray(17, 33).toString('hex')).toBe(p.envelopeId);
  await socket.json('drained');
  socket.close();
  await second.close();

  await expect(startTestRelay({ dataDir, suite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' })).rejects.toMatchObject({ code: 'VALIDATION' });
  await expect(startTestRelay({ dataDir: tmpDir(), suite: 'nonsense' })).rejects.toMatchObject({ code: 'VALIDATION' });
});
