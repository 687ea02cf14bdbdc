/**
 * @module test/rfc9458-ohttp
 * Oblivious HTTP against the complete example of RFC 9458 Appendix A (vectors/ohttp-rfc9458.json):
 * the key config, the encapsulated request with the example's ephemeral key, and the
 * encapsulated response with its nonce, in both directions.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../src/bytes.ts';
import { CryptoError, DecodeError, ErrorCodes, HardlineError } from '../src/errors.ts';
import {
  decapsulateRequest,
  decapsulateResponse,
  decodeBinaryHttpRequest,
  decodeBinaryHttpResponse,
  decodeKeyConfig,
  decodeKeyConfigs,
  encapsulateRequest,
  encapsulateResponse,
  encodeBinaryHttpRequest,
  encodeBinaryHttpResponse,
  encodeKeyConfig,
  encodeKeyConfigs,
  gatewayKey,
  HpkeAeadIds,
} from '../src/ohttp/index.ts';

const v = JSON.parse(readFileSync(new URL('./vectors/ohttp-rfc9458.json', import.meta.url), 'utf8')) as Record<string, string>;
const hex = (k: string) => fromHex(v[k]!);

describe('RFC 9458 Appendix A', () => {
  it('decodes and re-encodes the key configuration, and derives it from the private key', () => {
    const config = decodeKeyConfig(hex('keyConfig'))!;
    expect(config.keyId).toBe(1);
    expect(config.kemId).toBe(0x20);
    expect(config.symmetric).toEqual([
      { kdfId: 1, aeadId: HpkeAeadIds.AES_128_GCM },
      { kdfId: 1, aeadId: HpkeAeadIds.CHACHA20_POLY1305 },
    ]);
    expect(toHex(encodeKeyConfig(config))).toBe(v.keyConfig);
    expect(gatewayKey(1, hex('gatewayPrivateKey')).config.publicKey).toEqual(config.publicKey);
  });

  it('encodes the binary HTTP request and response of the example', () => {
    const request = { method: 'GET', scheme: 'https', authority: 'example.com', path: '/', headers: [], body: new Uint8Array(0) };
    expect(toHex(encodeBinaryHttpRequest(request))).toBe(v.request);
    expect(decodeBinaryHttpRequest(hex('request'))).toEqual(request);
    expect(toHex(encodeBinaryHttpResponse({ status: 200, headers: [], body: new Uint8Array(0) }))).toBe(v.response);
    expect(decodeBinaryHttpResponse(hex('response')).status).toBe(200);
  });

  it('encapsulates the request with the example ephemeral key, byte for byte', async () => {
    const config = decodeKeyConfig(hex('keyConfig'))!;
    const { encapsulated, context } = await encapsulateRequest(config, hex('request'), { ephemeralPrivateKey: hex('ephemeralPrivateKey') });
    expect(toHex(encapsulated)).toBe(v.encapsulatedRequest);
    expect(toHex(context.enc)).toBe(v.ephemeralPublicKey);
    // The client opens the gateway's example response with the context it kept.
    expect(toHex(await decapsulateResponse(context, hex('encapsulatedResponse')))).toBe(v.response);
  });

  it('decapsulates the request and encapsulates the response with the example nonce', async () => {
    const key = { config: decodeKeyConfig(hex('keyConfig'))!, privateKey: hex('gatewayPrivateKey') };
    const { request, context } = await decapsulateRequest([key], hex('encapsulatedRequest'));
    expect(toHex(request)).toBe(v.request);
    const secret = new Uint8Array(await context.hpke.export(new TextEncoder().encode('message/bhttp response').buffer, 16));
    expect(toHex(secret)).toBe(v.exportedSecret);
    const response = await encapsulateResponse(context, hex('response'), { responseNonce: hex('responseNonce') });
    expect(toHex(response)).toBe(v.encapsulatedResponse);
  });
});

describe('Oblivious HTTP refusals', () => {
  const key = gatewayKey(7);

  it('round-trips a request with headers and a body through a fresh key', async () => {
    const inner = encodeBinaryHttpRequest({ method: 'POST', scheme: 'https', authority: 'relay', path: '/v1/post', headers: [['content-type', 'application/octet-stream']], body: Uint8Array.of(1, 2, 3) });
    const { encapsulated, context } = await encapsulateRequest(key.config, inner);
    // A view into a larger buffer, as a server's request body is (Node pools small Buffers).
    const view = new Uint8Array([9, 9, ...encapsulated, 9]).subarray(2, 2 + encapsulated.length);
    const opened = await decapsulateRequest([key], view);
    expect(decodeBinaryHttpRequest(opened.request).body).toEqual(Uint8Array.of(1, 2, 3));
    const res = await encapsulateResponse(opened.context, encodeBinaryHttpResponse({ status: 404, headers: [], body: Uint8Array.of(9) }));
    expect(decodeBinaryHttpResponse(await decapsulateResponse(context, res))).toEqual({ status: 404, headers: [], body: Uint8Array.of(9) });
  });

  it('refuses a tampered request (CRYPTO) and an unknown key id (OHTTP_KEY)', async () => {
    const { encapsulated } = await encapsulateRequest(key.config, Uint8Array.of(0, 3, 71, 69, 84));
    const flipped = encapsulated.slice();
    flipped[flipped.length - 1]! ^= 1;
    await expect(decapsulateRequest([key], flipped)).rejects.toBeInstanceOf(CryptoError);
    const otherKey = encapsulated.slice();
    otherKey[0] = 8;
    await expect(decapsulateRequest([key], otherKey)).rejects.toMatchObject({ code: ErrorCodes.OHTTP_KEY });
    const otherAead = encapsulated.slice();
    otherAead[6] = 3;
    await expect(decapsulateRequest([key], otherAead)).rejects.toMatchObject({ code: ErrorCodes.OHTTP_KEY });
    await expect(decapsulateRequest([key], encapsulated.subarray(0, 20))).rejects.toBeInstanceOf(DecodeError);
  });

  it('refuses a response under another request context', async () => {
    const a = await encapsulateRequest(key.config, Uint8Array.of(0));
    const b = await encapsulateRequest(key.config, Uint8Array.of(0));
    const opened = await decapsulateRequest([key], a.encapsulated);
    const res = await encapsulateResponse(opened.context, Uint8Array.of(1, 0x40, 0xc8));
    await expect(decapsulateResponse(b.context, res)).rejects.toBeInstanceOf(CryptoError);
  });

  it('discards an ohttp-keys list with any encoding error, and skips unknown KEMs', () => {
    const good = encodeKeyConfigs([key.config]);
    expect(decodeKeyConfigs(good)).toHaveLength(1);
    expect(() => decodeKeyConfigs(good.subarray(0, good.length - 1))).toThrow(DecodeError);
    const unknownKem = Uint8Array.of(0, 5, 9, 0x99, 0x99, 0, 0);
    expect(decodeKeyConfigs(new Uint8Array([...unknownKem, ...good]))).toHaveLength(1);
    expect(() => decodeKeyConfigs(new Uint8Array(0))).toThrow(HardlineError);
  });
});
