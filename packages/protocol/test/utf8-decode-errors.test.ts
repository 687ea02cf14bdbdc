/**
 * Invalid UTF-8 inside bytes from the network is a DecodeError (code DECODE) wherever a decoder
 * reads text, never the TextDecoder's TypeError: the relay and CLI map only typed errors to a
 * status or an exit code. Found by the fuzzer (fuzz/decoders.ts) in decodePostReply.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, decodePostReply, parseDeviceCredential, utf8 } from '../src/index.ts';

const BAD = [new Uint8Array([0xff]), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0x41, 0xf8, 0x88, 0x80, 0x80, 0x80])];

describe('invalid UTF-8 gives a DecodeError', () => {
  it('utf8.decode', () => {
    for (const b of BAD) expect(() => utf8.decode(b)).toThrow(DecodeError);
    expect(utf8.decode(new Uint8Array([0xc3, 0xa9]))).toBe('é');
  });

  it('decodePostReply: a rejected reply whose error code is not UTF-8', () => {
    for (const b of BAD) {
      const reply = new Uint8Array([1, ...new Uint8Array(16).fill(7), ...b]);
      expect(() => decodePostReply(reply)).toThrow(DecodeError);
    }
  });

  it('parseDeviceCredential: an identity that is not UTF-8', () => {
    for (const b of BAD) expect(() => parseDeviceCredential({ credentialType: 'basic', identity: b })).toThrow(DecodeError);
  });
});
