/**
 * @module test/transparency-entries
 * Log entries and signed tree heads: round trips, one canonical encoding per value, and every
 * malformed input refused with a typed error (noble-curves' errors.test.ts habit).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  certificateEntry,
  decodeLogEntry,
  encodeLogEntry,
  identityKeyEntry,
  logPublicKey,
  newLogKey,
  parseTreeHead,
  revocationEntry,
  signTreeHead,
  verifyTreeHead,
} from '../src/transparency/index.ts';
import { certifyDevice, newIdentityKey, signRevocation } from '../src/identity/index.ts';
import { DecodeError, HardlineError, TooLargeError } from '../src/errors.ts';
import type { DeviceId, Handle } from '../src/brand.ts';

const identity = newIdentityKey();
const handle = 'bob' as Handle;
const deviceId = '0123456789abcdef0123456789abcdef' as DeviceId;
const cert = certifyDevice(identity, { handle, deviceId, deviceKey: newIdentityKey().publicKey });

describe('log entries', () => {
  it('round-trip for each type', () => {
    for (const e of [identityKeyEntry(handle, identity.publicKey), certificateEntry(cert), revocationEntry(signRevocation(identity, handle, deviceId))]) {
      expect(decodeLogEntry(encodeLogEntry(e))).toEqual(e);
    }
  });

  it('change with every signed field, so a relay cannot log one certificate and serve another', () => {
    const base = encodeLogEntry(certificateEntry(cert));
    for (const change of [{ createdAt: new Date(0).toISOString() }, { signature: cert.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, { deviceKey: identity.publicKey }]) {
      expect(encodeLogEntry(certificateEntry({ ...cert, ...change }))).not.toEqual(base);
    }
  });

  it('refuse malformed bytes with a DecodeError', () => {
    const good = encodeLogEntry(identityKeyEntry(handle, identity.publicKey));
    const bad = [new Uint8Array(0), good.subarray(0, 7), good.subarray(0, good.length - 1), Uint8Array.of(...good, 0), Uint8Array.of(2, ...good.subarray(1)), Uint8Array.of(1, 9, ...good.subarray(2))];
    for (const b of bad) expect(() => decodeLogEntry(b)).toThrow(DecodeError);
    expect(() => decodeLogEntry(new Uint8Array(5_000))).toThrow(TooLargeError);
    expect(() => identityKeyEntry(handle, 'AAAA')).toThrow(DecodeError);
  });

  it('never throw anything but a HardlineError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          decodeLogEntry(b);
        } catch (e) {
          expect(e).toBeInstanceOf(HardlineError);
        }
      }),
    );
  });
});

describe('signed tree heads', () => {
  const key = newLogKey();
  const head = signTreeHead(key.secretKey, { treeSize: 5, rootHash: new Uint8Array(32).fill(7), timestamp: 1_700_000_000_000 });

  it('verify under the log key, and under no other', () => {
    expect(logPublicKey(key.secretKey)).toBe(key.publicKey);
    expect(verifyTreeHead(head, key.publicKey)).toBe(true);
    expect(verifyTreeHead(head, newLogKey().publicKey)).toBe(false);
  });

  it('fail once the size, root or time changes', () => {
    expect(verifyTreeHead({ ...head, treeSize: 6 }, key.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, timestamp: head.timestamp + 1 }, key.publicKey)).toBe(false);
    expect(verifyTreeHead({ ...head, rootHash: 'B'.repeat(43) }, key.publicKey)).toBe(false);
  });

  it('parse only well-formed heads', () => {
    expect(parseTreeHead(JSON.parse(JSON.stringify(head)))).toEqual(head);
    for (const bad of [null, 1, {}, { ...head, v: 2 }, { ...head, treeSize: -1 }, { ...head, treeSize: 1.5 }, { ...head, rootHash: 'x' }, { ...head, rootHash: '*'.repeat(43) }, { ...head, signature: 'short' }, { ...head, timestamp: '1' }]) {
      expect(() => parseTreeHead(bad)).toThrow(DecodeError);
    }
  });
});
