/**
 * @module keyTransparency-refusedInclusion-hostile.test
 * A relay asked to prove that the identity key it serves for bob is in its log, and that does not
 * prove it. A key it cannot prove logged must not count: vetting strips it and names it
 * 'not-in-log', whatever the relay sends instead of a proof (its own error code, a proof too
 * malformed to decode). Only an answer that never came (the client's typed UNAVAILABLE) fails the
 * vetting, so the sync is tried again rather than judging the directory on no answer.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, encodeLogEntry, HardlineError, identityKeyEntry, newIdentityKey, type Handle, type UserId } from '@hardline/protocol';
import type { DirectoryUser } from '../src/relayApi.ts';
import { deviceOn, transparencyLog } from './support/transparencyLog.ts';

const BOB = 'bob' as Handle;

function bobLogged() {
  const key = newIdentityKey().publicKey;
  const bob: DirectoryUser = { userId: 'u-bob' as UserId, handle: BOB, displayName: 'Bob', identityKey: key, devices: [] };
  const log = transparencyLog({ logged: [encodeLogEntry(identityKeyEntry(BOB, key))] });
  const { kt } = deviceOn(log.api, { logKey: log.key.publicKey });
  return { bob, log, kt };
}

describe('a relay that does not prove a served identity key logged', () => {
  it('(an honest relay proves it, and the key is kept)', async () => {
    const { bob, kt } = bobLogged();
    await expect(kt.vet([bob])).resolves.toEqual({ users: [bob], notInLog: [] });
  });

  const refusals: [string, () => unknown][] = [
    ['its own error code (NOT_FOUND)', () => new HardlineError('NOT_FOUND', 'no such leaf')],
    ['a proof too malformed to decode', () => new DecodeError('base64 value too long')],
    ['an untyped error carrying the outage code', () => Object.assign(new Error('socket hang up'), { code: 'UNAVAILABLE' })],
  ];
  for (const [what, refusal] of refusals) {
    it(`answering with ${what}: the key is stripped and named not-in-log`, async () => {
      const { bob, log, kt } = bobLogged();
      log.routes.inclusions = async () => Promise.reject(refusal());
      const { identityKey: _, ...stripped } = bob;
      await expect(kt.vet([bob])).resolves.toEqual({ users: [stripped], notInLog: [{ handle: BOB, what: 'identity-key' }] });
    });
  }

  it('an answer that never came fails the vetting with UNAVAILABLE, to be tried again', async () => {
    const { bob, log, kt } = bobLogged();
    log.routes.inclusions = async () => Promise.reject(new HardlineError('UNAVAILABLE', 'relay sent a non-JSON reply (HTTP 502)'));
    await expect(kt.vet([bob])).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
