/**
 * @module displayNameSpoofing.test
 * A user who tries to pass for someone else in the directory: a direction override or an
 * invisible character in the display name, at enrolment and at a later profile update. The
 * relay refuses both with VALIDATION and keeps the name it had.
 */
import { expect, it } from 'vitest';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { enrolDevice, enrolWithCode, invite } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';

it('refuses a display name with a direction override at enrolment', async () => {
  const relay = await startTestRelay();
  const code = await invite(relay.url, relay.adminToken);
  const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
  // Otherwise a valid enrolment: signed, fresh challenge, unused code.
  const keys = newDeviceKeys();
  const signature = keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${code}\nmallory\n${keys.publicKeyB64}`);
  const r = await call(relay.url, 'POST', '/v1/enrol', { code, handle: 'mallory', displayName: 'Bob \u202Eecila', signaturePublicKey: keys.publicKeyB64, nonce: ch.nonce, signature });
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe('VALIDATION');
  expect(r.body.error.message).toContain('U+202E');
  // The code was not spent on the refused attempt.
  expect((await enrolWithCode(relay.url, code, 'mallory')).status).toBe(200);
});

it('refuses a zero-width character in a profile update and keeps the old name', async () => {
  const relay = await startTestRelay();
  const mallory = await enrolDevice(relay.url, relay.adminToken, 'mallory');
  const r = await call(relay.url, 'PUT', '/v1/profile', { displayName: 'Al\u200Bice' }, mallory.token);
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe('VALIDATION');
  expect(r.body.error.message).toContain('U+200B');
  const dir = await call(relay.url, 'GET', '/v1/directory', undefined, mallory.token);
  expect(dir.status).toBe(200);
  expect(JSON.stringify(dir.body)).toContain('MALLORY');
  expect(JSON.stringify(dir.body)).not.toContain('\u200B');
  expect((await call(relay.url, 'PUT', '/v1/profile', { displayName: 'Mallory Ö' }, mallory.token)).status).toBe(200);
});
