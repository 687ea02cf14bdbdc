/**
 * The log key on the wire, from a hostile party's side: the invite code's log key fingerprint
 * (which a new device checks the relay's log key against before the code is spent), the log key
 * a link answer carries, and the one a text message carries with its gossiped tree head.
 * Malformed any way is a clear error.
 */
import { describe, expect, it } from 'vitest';
import {
  certifyDevice,
  DecodeError,
  decodeAppMessage,
  linkKeys,
  newIdentityKey,
  newLinkSecret,
  openLinkMessage,
  sealLinkMessage,
  joinInviteCode,
  logKeyFingerprint,
  newLogKey,
  newOrgKey,
  orgKeyFingerprint,
  signTreeHead,
  splitInviteCode,
  ValidationError,
} from '../src/index.ts';

describe('an invite code that names the log key', () => {
  const org = newOrgKey();
  const log = newLogKey();

  it('round-trips both fingerprints, and an invite without the log key still parses', () => {
    const joined = joinInviteCode('ABCDE-FGHIJ', org.publicKey, log.publicKey);
    expect(splitInviteCode(joined)).toEqual({ code: 'ABCDE-FGHIJ', orgFingerprint: orgKeyFingerprint(org.publicKey), logFingerprint: logKeyFingerprint(log.publicKey) });
    expect(splitInviteCode(joined.toUpperCase().replace('ABCDE-FGHIJ', 'abcde-fghij')).logFingerprint).toBe(logKeyFingerprint(log.publicKey));
    expect(splitInviteCode(joinInviteCode('ABCDE', org.publicKey))).toEqual({ code: 'ABCDE', orgFingerprint: orgKeyFingerprint(org.publicKey) });
  });

  it('distinguishes keys: another log key has another fingerprint', () => {
    expect(logKeyFingerprint(newLogKey().publicKey)).not.toBe(logKeyFingerprint(log.publicKey));
  });

  it('refuses a malformed or extra fingerprint with a clear error', () => {
    const orgFp = orgKeyFingerprint(org.publicKey);
    expect(() => splitInviteCode(`ABCDE~${orgFp}~zz`)).toThrow(/log key fingerprint in this invite code is malformed/);
    expect(() => splitInviteCode(`ABCDE~${orgFp}~`)).toThrow(ValidationError);
    expect(() => splitInviteCode(`ABCDE~${orgFp}~${orgFp}~${orgFp}`)).toThrow(/at most two fingerprints/);
    expect(() => logKeyFingerprint('not a key')).toThrow(ValidationError);
  });
});

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('a text message that carries a log key with its tree head', () => {
  const log = newLogKey();
  const th = signTreeHead(log.secretKey, { treeSize: 3, rootHash: new Uint8Array(32), timestamp: 1 });
  const text = { t: 'text', id: 'm', text: 'hi', sentAt: '2026-12-02T10:00:00.000Z', th };
  const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

  it('decodes with the key as sent', () => {
    expect(decodeAppMessage(bytes({ ...text, lk: log.publicKey }))).toEqual({ ...text, lk: log.publicKey });
  });

  it.each([
    ['not a string', 7],
    ['too short', log.publicKey.slice(1)],
    ['not base64url', `${log.publicKey.slice(0, 41)}+A`],
    // The last character holds 4 bits of the key and 2 that must be zero: the next one up sets one.
    ['not canonical (stray bits in its last character)', log.publicKey.slice(0, 42) + B64URL[B64URL.indexOf(log.publicKey[42]!) + 1]],
    ['a small-order point', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses a log key that is %s', (_, lk) => {
    expect(() => decodeAppMessage(bytes({ ...text, lk }))).toThrow(DecodeError);
  });
});

describe('a link answer that carries the linking device\'s log key', () => {
  const identity = newIdentityKey();
  const certificate = certifyDevice(identity, { handle: 'alice' as never, deviceId: 'd'.repeat(32) as never, deviceKey: newLogKey().publicKey });
  const keys = linkKeys(newLinkSecret());

  it('opens with the key as sent, and without one as before', async () => {
    const logKey = newLogKey().publicKey;
    expect(await openLinkMessage(keys, await sealLinkMessage(keys, { t: 'link-response', certificate, identity, logKey }))).toMatchObject({ logKey });
    expect(await openLinkMessage(keys, await sealLinkMessage(keys, { t: 'link-response', certificate, identity }))).not.toHaveProperty('logKey');
  });

  it('refuses a malformed one', async () => {
    const box = await sealLinkMessage(keys, { t: 'link-response', certificate, identity, logKey: 'not a log key' });
    await expect(openLinkMessage(keys, box)).rejects.toThrow(/log key in a link answer is malformed/);
  });
});
