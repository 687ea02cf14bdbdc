/**
 * `PUT /v1/profile` from a member who wants to plant something in every colleague's directory:
 * phone numbers and addresses one character past their bounds, values that only pass once
 * trimmed, a display name that is not a string. What the directory then serves is checked, not
 * only the status.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let dev: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  // Enrolled first, so a lookup that took any user would answer with hers.
  await enrolDevice(relay.url, relay.adminToken, 'aaron');
  dev = await enrolDevice(relay.url, relay.adminToken, 'paula');
});

const put = (body: unknown) => call(relay.url, 'PUT', '/v1/profile', body, dev.token);
const listed = async () => (await call(relay.url, 'GET', '/v1/directory', undefined, dev.token)).body.users.find((u: { handle: string }) => u.handle === 'paula');

describe('profile fields at their bounds', () => {
  it('a phone number: +, a non-zero digit, 6 to 15 digits in all, nothing else', async () => {
    for (const phone of ['+123456', `+1${'2'.repeat(14)}`]) {
      const r = await put({ phone });
      expect(r.body.phone, phone).toBe(phone);
      expect((await listed()).phone).toBe(phone);
    }
    for (const phone of ['+12345', `+1${'2'.repeat(15)}`, '+0123456', '123456789', ' +31612345678', '+31612345678 ', '+31 612345678', 'x+31612345678', '+31612345678x']) {
      expect((await put({ phone })).body.error?.code, phone).toBe('VALIDATION');
    }
    expect((await listed()).phone).toBe(`+1${'2'.repeat(14)}`);
  });

  it('an address: 1-64 characters, @, 1-190 characters, 254 in all; trimmed and lower-cased', async () => {
    const longest = `${'a'.repeat(63)}@${'b'.repeat(190)}`;
    expect(longest).toHaveLength(254);
    expect((await put({ email: longest })).body.email).toBe(longest);
    expect((await put({ email: ` ${'A'.repeat(64)}@${'B'.repeat(187)}\t` })).body.email).toBe(`${'a'.repeat(64)}@${'b'.repeat(187)}`);
    for (const email of [
      `${'a'.repeat(64)}@${'b'.repeat(190)}`, // both parts within their bound, 255 in all
      `${'a'.repeat(65)}@b`,
      `a@${'b'.repeat(191)}`,
      `@b`,
      `a@`,
      'a@b@c',
      'a b@c',
      'a@b c',
      'ab',
      `   ${'a'.repeat(63)}@${'b'.repeat(190)}`, // 254 once trimmed, 257 as sent
    ]) {
      expect((await put({ email })).body.error?.code, email).toBe('VALIDATION');
    }
    expect((await listed()).email).toBe(`${'a'.repeat(64)}@${'b'.repeat(187)}`);
  });

  it('null or "" clears a field; a field left out stays as it was', async () => {
    await put({ phone: '+31612345678', email: 'p@org.example', displayName: 'Paula P' });
    const r = await put({ phone: '' });
    expect(r.body).toEqual({ handle: 'paula', displayName: 'Paula P', phone: null, email: 'p@org.example' });
    expect((await put({ email: null })).body).toEqual({ handle: 'paula', displayName: 'Paula P', phone: null, email: null });
    const after = await listed();
    expect(after.phone).toBeUndefined();
    expect(after.email).toBeUndefined();
    expect(after.displayName).toBe('Paula P');
  });

  it('a value of another type is VALIDATION, never a crash', async () => {
    for (const body of [{ displayName: 5 }, { displayName: ['Paula'] }, { displayName: null }, { phone: 31612345678 }, { email: ['p@org.example'] }, { email: { a: 1 } }, { phone: false }]) {
      expect((await put(body)).body.error?.code, JSON.stringify(body)).toBe('VALIDATION');
    }
    expect((await listed()).displayName).toBe('Paula P');
  });
});

describe('the answer', () => {
  it('is the caller\'s own profile, never another member\'s', async () => {
    const r = await put({ displayName: 'Paula P', phone: '+31612345670', email: 'paula@org.example' });
    expect(r.body).toEqual({ handle: 'paula', displayName: 'Paula P', phone: '+31612345670', email: 'paula@org.example' });
  });
});
