/**
 * The log key on the wire, from a hostile party's side: the invite code's log key fingerprint
 * (which a new device checks the relay's log key against before the code is spent) and the log
 * key a text message carries with its gossiped tree head. Malformed either way is a clear error.
 */
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeAppMessage,
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
    ['not base64url', `${log.publicKey.slice(0, 42)}+`],
    ['a small-order point', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses a log key that is %s', (_, lk) => {
    expect(() => decodeAppMessage(bytes({ ...text, lk }))).toThrow(DecodeError);
  });
});
