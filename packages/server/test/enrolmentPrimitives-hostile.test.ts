/**
 * @module enrolmentPrimitives-hostile.test
 * The pieces enrolment and sessions are built from (server/src/enrolment), each at its edge and
 * from the side of someone trying to get a device in without a right code or key:
 *  - a challenge nonce is good once, for its own subject, until exactly its five minutes are up;
 *    a flood of challenge requests cannot grow the store past its bound, and evicts expired
 *    nonces before live ones;
 *  - enrolment codes have 100 random bits in the documented form, and only case, spaces and
 *    dashes are forgiven when they are typed back;
 *  - handles keep to ^[a-z0-9][a-z0-9._-]{1,31}$ exactly, and only strings are handles;
 *  - an Ed25519 proof binds every field of the signed message, and a key or signature of the
 *    wrong length is no proof.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@hardline/protocol';
import { CHALLENGE_TTL_MS, ChallengeStore } from '../src/enrolment/challengeStore.ts';
import { codeHash, INVITE_TTL_MS, LINK_TTL_MS, newEnrolmentCode, normaliseCode } from '../src/enrolment/enrolmentCode.ts';
import { parseHandle } from '../src/enrolment/handle.ts';
import { enrolMessage, sessionMessage, verifyEd25519 } from '../src/enrolment/signature.ts';

/** The store's bound on outstanding nonces (challengeStore.ts MAX_OUTSTANDING). */
const MAX_OUTSTANDING = 100_000;

describe('challenge nonces', () => {
  it('are 256 random bits in base64url, never repeated', () => {
    const s = new ChallengeStore(() => 0);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = s.issue('enrol');
      expect(n).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(n);
    }
    expect(seen.size).toBe(200);
  });

  it('are good exactly once: a replay of a consumed nonce is refused', () => {
    const s = new ChallengeStore(() => 0);
    const n = s.issue('enrol');
    expect(s.consume(n, 'enrol')).toBe(true);
    expect(s.consume(n, 'enrol')).toBe(false);
    expect(s.consume('never-issued', 'enrol')).toBe(false);
  });

  it('are bound to their subject, and a try with another subject burns the nonce', () => {
    const s = new ChallengeStore(() => 0);
    const n = s.issue('session:dev-a');
    // An attacker who saw dev-a's nonce tries it for their own device, then for enrolment.
    expect(s.consume(n, 'session:dev-b')).toBe(false);
    // Burnt: not even its own subject can use it now.
    expect(s.consume(n, 'session:dev-a')).toBe(false);
    const e = s.issue('enrol');
    expect(s.consume(e, 'session:dev-a')).toBe(false);
  });

  it('live until exactly five minutes after issue, and not a millisecond longer', () => {
    let now = 1_000_000;
    const s = new ChallengeStore(() => now);
    const atEdge = s.issue('enrol');
    const past = s.issue('enrol');
    now += CHALLENGE_TTL_MS;
    expect(s.consume(atEdge, 'enrol')).toBe(true);
    now += 1;
    expect(s.consume(past, 'enrol')).toBe(false);
    expect(CHALLENGE_TTL_MS).toBe(5 * 60_000);
  });

  it('a flood of challenge requests cannot grow the store: past the bound the oldest goes', () => {
    const s = new ChallengeStore(() => 0);
    const first = s.issue('enrol');
    const second = s.issue('enrol');
    for (let i = 2; i < MAX_OUTSTANDING; i++) s.issue('enrol');
    // Exactly full: the next issue drops `first` (and only it).
    const last = s.issue('enrol');
    expect(s.consume(first, 'enrol')).toBe(false);
    expect(s.consume(second, 'enrol')).toBe(true);
    expect(s.consume(last, 'enrol')).toBe(true);
  });

  it('one below the bound drops nothing', () => {
    const s = new ChallengeStore(() => 0);
    const first = s.issue('enrol');
    for (let i = 1; i < MAX_OUTSTANDING; i++) s.issue('enrol');
    // 100,000 outstanding: all still live, the store is not past its bound.
    expect(s.consume(first, 'enrol')).toBe(true);
  });

  it('when full, sweeps expired nonces first, so a live one is not evicted while dead ones stay', () => {
    let now = 100;
    const t = new ChallengeStore(() => now);
    const oldestLive = t.issue('enrol');
    now = 0;
    for (let i = 1; i < MAX_OUTSTANDING; i++) t.issue('enrol');
    // At 0 + TTL + 1 the 99,999 issued at 0 are dead; the oldest entry (issued at 100) is live.
    now = CHALLENGE_TTL_MS + 1;
    const fresh = t.issue('enrol');
    expect(t.consume(oldestLive, 'enrol')).toBe(true);
    expect(t.consume(fresh, 'enrol')).toBe(true);
  });

  it('a nonce expiring at this very millisecond is live, so the sweep keeps it', () => {
    let now = 10;
    const s = new ChallengeStore(() => now);
    const oldest = s.issue('enrol');
    now = 0;
    const edge = s.issue('enrol');
    now = 10;
    for (let i = 2; i < MAX_OUTSTANDING; i++) s.issue('enrol');
    // Full. At exactly `edge`'s expiry nothing is dead, so the oldest entry goes, not `edge`.
    now = CHALLENGE_TTL_MS;
    s.issue('enrol');
    expect(s.consume(edge, 'enrol')).toBe(true);
    expect(s.consume(oldest, 'enrol')).toBe(false);
  });
});

describe('enrolment codes', () => {
  it('are four groups of five base32 characters, without 0, 1, 8 or 9', () => {
    const letters = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const c = newEnrolmentCode();
      expect(c).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}$/);
      for (const ch of c.replaceAll('-', '')) letters.add(ch);
    }
    // All 32 symbols are used (5 bits a character, 100 bits a code).
    expect(letters.size).toBe(32);
  });

  it('are not repeated', () => {
    const codes = new Set(Array.from({ length: 500 }, () => newEnrolmentCode()));
    expect(codes.size).toBe(500);
  });

  it('forgive case, spaces and dashes, and nothing else', () => {
    expect(normaliseCode(' k7qxm-2rtab\tAbCdE - fghij\n')).toBe('K7QXM2RTABABCDEFGHIJ');
    expect(normaliseCode('--a--b--')).toBe('AB');
    // Other punctuation is kept, so it cannot match a real code.
    expect(normaliseCode('k7qxm_2rtab.abcde')).toBe('K7QXM_2RTAB.ABCDE');
    expect(codeHash('k7qxm-2rtab abcde-fghij')).toEqual(codeHash('K7QXM2RTABABCDEFGHIJ'));
    expect(codeHash('K7QXM-2RTAB-ABCDE-FGHIJ')).not.toEqual(codeHash('K7QXM-2RTAB-ABCDE-FGHIK'));
  });

  it('are stored as SHA-256 of the normalised code only', () => {
    const code = newEnrolmentCode();
    const expected = createHash('sha256').update(code.replaceAll('-', '')).digest();
    expect(Buffer.from(codeHash(code))).toEqual(expected);
    expect(Buffer.from(codeHash(code.toLowerCase()))).toEqual(expected);
  });

  it('live a week (invites) and a day (links)', () => {
    expect(INVITE_TTL_MS).toBe(7 * 24 * 3600 * 1000);
    expect(LINK_TTL_MS).toBe(24 * 3600 * 1000);
  });
});

describe('handles', () => {
  const ok = ['ab', 'a1', '0x', 'a.b', 'a_b', 'a-b', 'a'.repeat(32), `a${'.-_9z'.repeat(6)}z`];
  const bad = ['', 'a', 'a'.repeat(33), '.ab', '_ab', '-ab', 'Ab', 'aB', 'a b', 'ab\n', '\nab', 'ab/', 'a+b', 'é1', 'alice\u200b', 'a\u0000'];

  it.each(ok)('accepts %j', (h) => {
    expect(parseHandle(h)).toBe(h);
  });

  it.each(bad)('refuses %j', (h) => {
    expect(() => parseHandle(h)).toThrow(ValidationError);
  });

  it('refuses values that only look like a handle once stringified', () => {
    for (const v of [['ab'], ['alice'], { toString: () => 'alice' }, 12, 12n, null, undefined, true]) {
      expect(() => parseHandle(v)).toThrow(ValidationError);
    }
  });
});

describe('Ed25519 proofs', () => {
  const keys = () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    return { raw, sig: (m: string) => new Uint8Array(sign(null, Buffer.from(m, 'utf8'), privateKey)) };
  };

  it('pins the signed messages to the spec (§6)', () => {
    expect(enrolMessage('N', 'C', 'h', 'K')).toBe('hardline/v1/enrol\nN\nC\nh\nK');
    expect(sessionMessage('N', 'D')).toBe('hardline/v1/session\nN\nD');
  });

  it('verifies a right signature and refuses any change to the message, key or signature', () => {
    const k = keys();
    const m = enrolMessage('nonce', 'CODE', 'alice', 'key');
    const s = k.sig(m);
    expect(verifyEd25519(k.raw, m, s)).toBe(true);
    expect(verifyEd25519(k.raw, enrolMessage('nonce', 'CODE', 'mallory', 'key'), s)).toBe(false);
    expect(verifyEd25519(keys().raw, m, s)).toBe(false);
    const flipped = s.slice();
    flipped[10]! ^= 1;
    expect(verifyEd25519(k.raw, m, flipped)).toBe(false);
  });

  it('a key or signature of the wrong length is no proof, even with a valid one inside it', () => {
    const k = keys();
    const m = sessionMessage('nonce', 'dev');
    const s = k.sig(m);
    const longKey = new Uint8Array([...k.raw, 0]);
    const shortKey = k.raw.subarray(0, 31);
    const longSig = new Uint8Array([...s, 0]);
    expect(verifyEd25519(longKey, m, s)).toBe(false);
    expect(verifyEd25519(shortKey, m, s)).toBe(false);
    expect(verifyEd25519(k.raw, m, longSig)).toBe(false);
    expect(verifyEd25519(k.raw, m, s.subarray(0, 63))).toBe(false);
    expect(verifyEd25519(new Uint8Array(0), m, new Uint8Array(0))).toBe(false);
  });

  it('a 32-byte string that is no curve point is refused, not thrown', () => {
    // y = 2 is not on edwards25519 (x² would have no square root).
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(() => verifyEd25519(notAPoint, 'm', new Uint8Array(64))).not.toThrow();
    expect(verifyEd25519(notAPoint, 'm', new Uint8Array(64))).toBe(false);
  });
});
