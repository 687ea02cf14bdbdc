/**
 * @module bodyLimits.test
 * Request bodies against an attacker with no account, each from both sides:
 *  - 400 connections each sending a 2.8 MB body minus its last byte took the relay from 143 MB
 *    to 1,240 MB for up to 300 s on main. Now body memory is reserved from a budget before it
 *    is read (503 + Retry-After past it), and an unfinished body is destroyed at the body
 *    timeout; a legitimate upload from another address goes through meanwhile;
 *  - `POST /v1/keypackages` bodies (≈2.2 MB) were read before authentication: 300 anonymous
 *    uploads took RSS to 780 MB. Now the answer is 401 before the body is read;
 *  - a declared size over the bound is refused from the headers, before any body byte;
 *  - a chunked body is counted against the budget as it comes, and cut.
 * The attacker connects from 127.0.0.2 and up, the legitimate client from 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_BLOB } from '@hardline/protocol';
import { BLOB_BODY_LIMIT } from '../src/routes/blobRoutes.ts';
import { KEYPACKAGE_BODY_LIMIT } from '../src/routes/keyPackageRoutes.ts';
import { BIN } from '../../../test/support/cliHarness.ts';
import { rawCall, relayStillHolds, slowBody, slowBodies, type RawConnection } from '../../../test/support/anonymousAttacker.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';

const LEGIT = '127.0.0.1';
const ATTACKERS = Array.from({ length: 20 }, (_, i) => `127.0.0.${i + 2}`);
const MB = 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const blobPath = () => `/v1/blobs/${randomBytes(16).toString('hex')}`;
const capability = () => ({ Authorization: `Capability ${randomBytes(32).toString('hex')}` });

/** A legitimate blob upload of the largest size, whose data is one byte off a bucket size: only a relay that read all of it can say so. */
function fullSizeBlobBody(): Buffer {
  return Buffer.from(JSON.stringify({ version: 0, data: Buffer.alloc(MAX_BLOB - 1, 7).toString('base64url') }));
}

async function legitUpload(url: string, path = blobPath()): Promise<{ status: number; code: string | undefined; ms: number }> {
  const t0 = performance.now();
  const body = new Uint8Array(fullSizeBlobBody());
  const res = await fetch(url + path, { method: 'PUT', headers: { 'content-type': 'application/json', ...capability() }, body });
  const json = (await res.json()) as { error?: { code?: string; message?: string } };
  return { status: res.status, code: json.error?.code, ms: performance.now() - t0 };
}

describe('size before reading', () => {
  it('refuses a declared body over the bound from its headers, before any body byte', async () => {
    const relay = await startTestRelay();
    const c = await slowBody(relay.url, blobPath(), { method: 'PUT', declared: BLOB_BODY_LIMIT + 1, send: 0, headers: capability(), localAddress: ATTACKERS[0] });
    const a = await c.answer;
    expect(a?.status).toBe(413);
    expect(a?.body).toMatchObject({ error: { code: 'TOO_LARGE' } });
    expect(c.bytesSent).toBe(0);
    await c.closed;
  });

  it('counts a chunked body against the per-address budget as it comes, and cuts it; another address uploads meanwhile', async () => {
    const relay = await startTestRelay({ limits: { maxBodyBytesInFlightPerAddress: 4 * MB } });
    // No Content-Length: nothing to check up front, so the relay reserves as the bytes come.
    // The first unfinished body holds 2.5 MB of the address's 4 MB...
    const first = await slowBody(relay.url, blobPath(), { method: 'PUT', send: 2.5 * MB, headers: capability(), localAddress: ATTACKERS[0] });
    // ...so the second is cut once past the other 1.5 MB, well before the 2.5 MB it meant to send.
    const c = await slowBody(relay.url, blobPath(), { method: 'PUT', send: 2.5 * MB, pauseMs: 5, headers: capability(), localAddress: ATTACKERS[0] });
    const a = await c.answer;
    expect(a?.status).toBe(503);
    expect(a?.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect(a?.headers['retry-after']).toMatch(/^\d+$/);
    expect(c.bytesSent).toBeLessThan(2.2 * MB);
    await c.closed;
    expect(first.answered).toBe(false);
    first.destroy();
    // The same upload from another address is read whole (its data is then refused on its size).
    const legit = await legitUpload(relay.url);
    expect(legit.code).toBe('VALIDATION');
  });
});

describe('authentication before a large body', () => {
  it('answers 300 anonymous KeyPackage uploads of 2.2 MB with 401 before reading their bodies, and closes them', async () => {
    const relay = await startTestRelay();
    const flood = await slowBodies(relay.url, '/v1/keypackages', 300, {
      declared: KEYPACKAGE_BODY_LIMIT,
      send: 64 * 1024,
      sources: ATTACKERS,
      headers: { Authorization: 'Bearer not-a-session' },
    });
    const answers = await Promise.all(flood.map((c) => c.answer));
    expect(answers.map((a) => a?.status)).toEqual(flood.map(() => 401));
    expect(answers.every((a) => (a?.body as any)?.error?.code === 'UNAUTHENTICATED')).toBe(true);
    // Nobody got to send more than the first 64 KiB, and the relay closed every connection.
    expect(Math.max(...flood.map((c) => c.bytesSent))).toBeLessThanOrEqual(64 * 1024);
    await Promise.all(flood.map((c) => c.closed));
  });

  it("reads a device's upload only after its session checks out, and holds it to the body budget and timeout", async () => {
    const relay = await startTestRelay({ limits: { maxBodyBytesInFlightPerAddress: 3 * MB, bodyTimeoutMs: 500 } });
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const auth = { Authorization: `Bearer ${bob.token}` };
    // Authenticated, so the body is read: it takes 2.2 MB of this address's 3 MB...
    const first = await slowBody(relay.url, '/v1/keypackages', { declared: KEYPACKAGE_BODY_LIMIT, headers: auth, localAddress: ATTACKERS[0] });
    // ...so a second one at once does not fit, and is refused without being read.
    const second = await slowBody(relay.url, '/v1/keypackages', { declared: KEYPACKAGE_BODY_LIMIT, send: 0, headers: auth, localAddress: ATTACKERS[0] });
    expect((await second.answer)?.status).toBe(503);
    // The unfinished first body is destroyed at the body timeout, which frees its reservation.
    expect((await first.answer)?.status).toBe(408);
    await first.closed;
    const third = await slowBody(relay.url, '/v1/keypackages', { declared: KEYPACKAGE_BODY_LIMIT, send: 1024, headers: auth, localAddress: ATTACKERS[0] });
    expect((await third.answer)?.status).toBe(408);
  });
});

describe('400 slow 2.8 MB bodies against a relay process', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('keeps RSS within the body budget, serves a legitimate upload meanwhile, and destroys the rest at the body timeout', async () => {
    const dir = tmpDir();
    const limitsFile = join(dir, 'limits.json');
    // Default limits but a short body timeout, to see it act within the test.
    writeFileSync(limitsFile, JSON.stringify({ bodyTimeoutMs: 8_000 }));
    child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', join(dir, 'data'), '--turn', 'off', '--limits', limitsFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child!.pid}/status`, 'utf8'))![1]) / 1024;
    // Warm the relay up with one legitimate upload, so its baseline includes a parsed body.
    expect((await legitUpload(url)).code).toBe('VALIDATION');
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
    let flood: RawConnection[] = [];
    try {
      const started = slowBodies(url, blobPath(), 400, { method: 'PUT', declared: BLOB_BODY_LIMIT, headers: capability(), sources: ATTACKERS });
      flood = await started;
      // 64 MiB holds 23 bodies of 2.8 MB; the other 377 are refused (503 + Retry-After) unread.
      // (The answers take a moment to reach this busy test process; the relay sent them at once.)
      const fits = Math.floor((64 * MB) / BLOB_BODY_LIMIT);
      const deadline = Date.now() + 6_000;
      while (flood.filter((c) => c.answered).length < 400 - fits && Date.now() < deadline) await sleep(50);
      const answersSoFar = await Promise.all(flood.map((c) => (c.answered ? c.answer : 'pending')));
      const refused = answersSoFar.filter((a) => a !== 'pending' && a?.status === 503).length;
      const held = answersSoFar.filter((a) => a === 'pending').length;
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThanOrEqual(fits);
      expect(refused).toBe(400 - held);
      expect(answersSoFar.find((a) => a !== 'pending')).toMatchObject({ headers: { 'retry-after': '5' }, body: { error: { code: 'UNAVAILABLE' } } });
      // While they hang, a legitimate client on another address is answered, and uploads.
      const t0 = performance.now();
      expect((await rawCall(url, 'GET', '/v1/org', undefined, LEGIT)).status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(1_000);
      // The budget is full, so a large upload waits its turn: it is told to retry, then gets in.
      let legit = await legitUpload(url);
      for (let i = 0; legit.code === 'UNAVAILABLE' && i < 20; i++) {
        await sleep(500);
        legit = await legitUpload(url);
      }
      expect(legit.code).toBe('VALIDATION');
      // The held bodies are destroyed at the body timeout, with a 408, and not left half open.
      const late = await Promise.all(flood.map((c) => c.answer));
      expect(late.every((a) => a?.status === 503 || a?.status === 408)).toBe(true);
      await Promise.all(flood.map((c) => c.closed));
      expect((await Promise.all(flood.slice(0, 20).map((c) => relayStillHolds(c)))).some(Boolean)).toBe(false);
    } finally {
      clearInterval(sampler);
      for (const c of flood) c.destroy();
    }
    // On main this flood took 1.1 GB; the budget is 64 MiB, plus parsing and socket buffers.
    expect(peak - before).toBeLessThan(200);
  }, 60_000);
});
