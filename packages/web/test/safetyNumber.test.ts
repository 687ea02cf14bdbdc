/**
 * Safety numbers: both sides compute the same digits; any change to either user's device keys
 * changes them.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryUser } from '@hardline/client';
import type { DeviceId, Handle, UserId } from '@hardline/protocol';
import { keyFingerprint, safetyNumber } from '../src/safety/safetyNumber.ts';

function user(handle: string, keys: string[], revoked: string[] = []): DirectoryUser {
  return {
    userId: handle.padEnd(32, '0') as UserId,
    handle: handle as Handle,
    displayName: handle,
    devices: [...keys.map((k, i) => ({ deviceId: `${i}`.padStart(32, '0') as DeviceId, signaturePublicKey: k, revoked: false })), ...revoked.map((k) => ({ deviceId: 'f'.repeat(32) as DeviceId, signaturePublicKey: k, revoked: true }))],
  };
}

describe('safety number', () => {
  it('is 12 groups of 5 digits, the same on both sides and whatever the device order', async () => {
    const a = user('alice', ['keyA1', 'keyA2']);
    const b = user('bob', ['keyB1']);
    const ab = await safetyNumber(a, b);
    const ba = await safetyNumber(user('bob', ['keyB1']), user('alice', ['keyA2', 'keyA1']));
    expect(ab.groups).toHaveLength(12);
    for (const g of ab.groups) expect(g).toMatch(/^\d{5}$/);
    expect(ba.groups).toEqual(ab.groups);
    expect(ab.qrPayload).toBe(`hardline-safety:1:${ab.groups.join('')}`);
  });

  it('changes when either side adds a device; a revoked device does not count', async () => {
    const base = (await safetyNumber(user('alice', ['a1']), user('bob', ['b1']))).groups;
    expect((await safetyNumber(user('alice', ['a1']), user('bob', ['b1', 'b2']))).groups).not.toEqual(base);
    expect((await safetyNumber(user('alice', ['a1', 'a2']), user('bob', ['b1']))).groups).not.toEqual(base);
    expect((await safetyNumber(user('alice', ['a1']), user('bob', ['b1'], ['old']))).groups).toEqual(base);
    expect(keyFingerprint(user('bob', ['b1'], ['old']))).toBe(keyFingerprint(user('bob', ['b1'])));
  });
});
