/**
 * Bounds at their exact edge, from a client probing them: a body of exactly the limit is read
 * and one byte more is refused (declared or streamed), a string field of exactly its maximum is
 * taken and one character more is a VALIDATION error, and null stands for an absent optional.
 */
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { JSON_BODY_LIMIT } from '../src/http/route.ts';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

/** A JSON body padded with spaces to exactly `size` bytes, sent with or without Content-Length. */
function sized(size: number, chunked: boolean): Promise<{ status: number; code: string | undefined }> {
  const json = Buffer.from('{"deviceId":"x"}');
  const body = Buffer.concat([json, Buffer.alloc(size - json.length, 0x20)]);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = body.length;
    const req = request(new URL('/v1/session/challenge', relay.url), { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: JSON.parse(Buffer.concat(parts).toString()).error?.code }));
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
    req.end(chunked ? undefined : body);
  });
}

describe('bounds at the edge', () => {
  for (const chunked of [false, true]) {
    it(`a body of exactly the limit is read, one byte more is 413 (${chunked ? 'chunked' : 'Content-Length'})`, async () => {
      // Read and parsed: the handler then refuses the device id, not the size.
      expect(await sized(JSON_BODY_LIMIT, chunked)).toEqual({ status: 400, code: 'DECODE' });
      expect(await sized(JSON_BODY_LIMIT + 1, chunked)).toEqual({ status: 413, code: 'TOO_LARGE' });
    });
  }

  it('a string field of exactly its maximum is taken, one more character or none is VALIDATION', async () => {
    const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
    // A real key, and a signature by another key: every well-formed request ends in FORBIDDEN.
    const base = { handle: 'edge', signaturePublicKey: newDeviceKeys().publicKeyB64, nonce: ch.nonce, signature: newDeviceKeys().sign('x') };
    // 64 characters pass the field check and fail later (the signature), 65 and 0 fail on length.
    expect((await call(relay.url, 'POST', '/v1/enrol', { ...base, code: 'C'.repeat(64) })).body.error.code).toBe('FORBIDDEN');
    for (const code of ['C'.repeat(65), '']) {
      expect((await call(relay.url, 'POST', '/v1/enrol', { ...base, code })).body.error.code, code).toBe('VALIDATION');
    }
    const { body: ch2 } = await call(relay.url, 'POST', '/v1/enrol/challenge');
    const named = { ...base, nonce: ch2.nonce, code: 'C'.repeat(20) };
    expect((await call(relay.url, 'POST', '/v1/enrol', { ...named, displayName: 'D'.repeat(65) })).body.error.code).toBe('VALIDATION');
    expect((await call(relay.url, 'POST', '/v1/enrol', { ...named, displayName: null })).body.error.code).toBe('FORBIDDEN');
  });
});
