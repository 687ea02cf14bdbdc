/**
 * @module test/rfc9292-binary-http
 * Binary HTTP against the known-length request example of RFC 9292 §5.1, and malformed input
 * to every decoder: each fails with a typed error, never a crash or a silent misread.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.ts';
import { HardlineError, TooLargeError } from '../src/errors.ts';
import { decodeBinaryHttpRequest, decodeBinaryHttpResponse, encodeBinaryHttpRequest, readVarint, writeVarint } from '../src/ohttp/index.ts';

// RFC 9292 §5.1: GET /hello.txt with three header fields, empty content and trailers.
const EXAMPLE =
  '0003474554056874747073000a2f68656c6c6f2e747874406c0a757365722d6167656e74346375726c2f372e31362e33206c69626375726c2f372e31362e33204f70656e53534c2f302e392e376c207a6c69622f312e322e3304686f73740f7777772e6578616d706c652e636f6d0f6163636570742d6c616e67756167650665' +
  '6e2c206d690000';

describe('RFC 9292 §5.1 known-length request', () => {
  const request = {
    method: 'GET',
    scheme: 'https',
    authority: '',
    path: '/hello.txt',
    headers: [
      ['user-agent', 'curl/7.16.3 libcurl/7.16.3 OpenSSL/0.9.7l zlib/1.2.3'],
      ['host', 'www.example.com'],
      ['accept-language', 'en, mi'],
    ] as const,
    body: new Uint8Array(0),
  };

  it('decodes the example, padded and truncated alike (§3.8)', () => {
    expect(decodeBinaryHttpRequest(fromHex(EXAMPLE))).toEqual(request);
    expect(decodeBinaryHttpRequest(fromHex(EXAMPLE + '00'.repeat(16)))).toEqual(request);
    expect(decodeBinaryHttpRequest(fromHex(EXAMPLE.slice(0, -4)))).toEqual(request);
  });

  it('encodes it with the empty content and trailers truncated', () => {
    expect(toHex(encodeBinaryHttpRequest(request))).toBe(EXAMPLE.slice(0, -4));
  });
});

describe('binary HTTP refusals', () => {
  const ok = fromHex(EXAMPLE);
  it('refuses every truncation inside a field, and any prefix that cuts a length', () => {
    for (let n = 1; n < ok.length - 2; n++) {
      try {
        decodeBinaryHttpRequest(ok.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(HardlineError);
        continue;
      }
      // Only a cut at a section boundary is a valid truncation; it must keep the control data.
      expect(n).toBeGreaterThanOrEqual(19);
    }
  });

  it('refuses upper-case field names, non-zero padding, other framings and bad statuses', () => {
    const upper = EXAMPLE.replace('757365722d6167656e74', '557365722d6167656e74');
    expect(() => decodeBinaryHttpRequest(fromHex(upper))).toThrow(HardlineError);
    expect(() => decodeBinaryHttpRequest(fromHex(EXAMPLE + '0001'))).toThrow(HardlineError);
    expect(() => decodeBinaryHttpRequest(fromHex('02' + EXAMPLE.slice(2)))).toThrow(/indeterminate/);
    expect(() => decodeBinaryHttpRequest(fromHex('01' + EXAMPLE.slice(2)))).toThrow(HardlineError);
    expect(() => decodeBinaryHttpResponse(fromHex('01403c'))).toThrow(/out of range/);
    expect(() => decodeBinaryHttpResponse(fromHex('00'))).toThrow(HardlineError);
    expect(() => decodeBinaryHttpRequest(new Uint8Array(0))).toThrow(HardlineError);
    // A field section claiming more than the bound is refused before it is read.
    expect(() => decodeBinaryHttpRequest(fromHex('0003474554056874747073000a2f68656c6c6f2e74787480010000'))).toThrow(TooLargeError);
  });

  it('skips informational responses before the final one', () => {
    // 103 with one field, then 200 with a body "hi".
    const res = decodeBinaryHttpResponse(fromHex('014067' + '07' + '046c696e6b0178' + '40c8' + '00' + '026869'));
    expect(res.status).toBe(200);
    expect(new TextDecoder().decode(res.body)).toBe('hi');
  });

  it('reads and writes QUIC varints at each width', () => {
    for (const n of [0, 63, 64, 16383, 16384, 2 ** 30 - 1, 2 ** 30, 2 ** 40]) {
      const out: number[] = [];
      writeVarint(out, n);
      expect(readVarint(Uint8Array.from(out), 0)).toEqual({ value: n, next: out.length });
    }
    // RFC 9000 §A.1's examples.
    expect(readVarint(fromHex('9d7f3e7d'), 0).value).toBe(494878333);
    // Its 8-byte example is past 2^53: refused rather than rounded.
    expect(() => readVarint(fromHex('c2197c5eff14e88c'), 0)).toThrow(HardlineError);
    expect(readVarint(fromHex('7bbd'), 0).value).toBe(15293);
  });
});

describe('Oblivious HTTP decoders on random bytes', () => {
  // Seeded, so a failure reproduces. Every outcome is a value or a typed error, never a crash.
  let seed = 9458;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  const typedOrValue = async (f: () => unknown) => {
    try {
      await f();
    } catch (e) {
      expect(e).toBeInstanceOf(HardlineError);
    }
  };

  it('never throws anything but a HardlineError', async () => {
    const { decodeKeyConfigs, decapsulateRequest, gatewayKey } = await import('../src/ohttp/index.ts');
    const key = gatewayKey(1);
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from({ length: next() % 96 }, next);
      // A plausible start now and then, so the decoders get past their first byte.
      if (i % 3 === 0 && bytes.length > 0) bytes[0] = i % 2;
      await typedOrValue(() => decodeBinaryHttpRequest(bytes));
      await typedOrValue(() => decodeBinaryHttpResponse(bytes));
      await typedOrValue(() => decodeKeyConfigs(bytes));
      await typedOrValue(() => decapsulateRequest([key], bytes));
    }
  });
});
