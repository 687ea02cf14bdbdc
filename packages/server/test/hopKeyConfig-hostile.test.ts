/**
 * @module hopKeyConfig-hostile.test
 * Key tagging against the ingress hop (issue 12; docs/protocol.md §7). A relay that hands each
 * asker a key config of its own recognises every request sealed to it: were devices to fetch
 * the config from the relay, from their own addresses, the hop would hide nothing. Devices now
 * fetch it through the hop (`GET /v1/ohttp/keys` there, ingress/sharedKeyConfig.ts), which asks
 * the relay once per period and hands all its clients the same bytes.
 *
 * Played here by a hostile "relay" that answers every key-config request with a fresh key and
 * records what each request carried; the hop in front of it is the real one.
 */
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { startIngressHop, type IngressHopHandle } from '../src/ingress/ingressHop.ts';
import { KEEP_MS, RETRY_MS, SharedKeyConfig } from '../src/ingress/sharedKeyConfig.ts';

type Raw = { status: number; headers: IncomingHttpHeaders; body: Buffer };

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The hostile relay: a new key for every key-config request; what each request carried. */
const asked: IncomingHttpHeaders[] = [];
let down = false;
let relay: Server;
let hop: IngressHopHandle;
const APP = 'https://app.example.org';

beforeAll(async () => {
  let id = 0;
  relay = createServer((req, res) => {
    if (req.url !== '/v1/ohttp/keys' || down) {
      res.writeHead(503).end();
      return;
    }
    asked.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/ohttp-keys' }).end(Buffer.from(encodeKeyConfigs([gatewayKey(++id % 250).config])));
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  hop = await startIngressHop({ target: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`, port: 0, allowOrigins: [APP] });
});
afterAll(async () => {
  await hop?.close();
  relay?.close();
});

describe('the key config a hop hands out', () => {
  it('is the same for every client, however the relay answers each of its fetches', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(`${hop.url}/v1/ohttp/keys`)));
    for (const a of answers) expect(a.status).toBe(200);
    expect(new Set(answers.map((a) => a.body.toString('hex'))).size).toBe(1);
    expect(answers[0]!.headers['content-type']).toBe('application/ohttp-keys');
    // One fetch from the hop for all of them: the relay saw neither the clients nor how many.
    expect(asked.length).toBe(1);
  });

  it('carries nothing of the client to the relay: no address, origin, user agent or cookie', async () => {
    asked.length = 0;
    await get(`${hop.url}/v1/ohttp/keys`, { origin: APP, 'user-agent': 'Victim/1.0', cookie: 'sid=alice', 'x-forwarded-for': '203.0.113.7' });
    for (const h of asked) {
      for (const name of ['origin', 'user-agent', 'cookie', 'x-forwarded-for', 'forwarded', 'via', 'referer']) expect(h[name]).toBeUndefined();
    }
  });

  it('answers the listed web app with CORS, and refuses another site', async () => {
    const ok = await get(`${hop.url}/v1/ohttp/keys`, { origin: APP });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(APP);
    expect(ok.headers['cache-control']).toBe('no-store');
    const other = await get(`${hop.url}/v1/ohttp/keys`, { origin: 'https://evil.example' });
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the shared key config over time (fake clock)', () => {
  function sharedWith(answers: (() => Promise<{ status: number; contentType: string | undefined; body: Uint8Array }>)[]) {
    let now = 0;
    let fetches = 0;
    const keys = new SharedKeyConfig(async () => (fetches++, answers.shift()!()), new URL('http://relay/v1/ohttp/keys'), 1_000, () => now);
    return { keys, tick: (ms: number) => (now += ms), fetches: () => fetches };
  }
  const config = (n: number) => async () => ({ status: 200, contentType: 'application/ohttp-keys', body: new Uint8Array([n]) });
  const fails = async () => {
    throw new Error('relay down');
  };

  it('asks the relay again only once a period is over, and one fetch serves all who ask meanwhile', async () => {
    const t = sharedWith([config(1), config(2)]);
    const first = await Promise.all([t.keys.current(), t.keys.current(), t.keys.current()]);
    expect(first).toEqual([{ body: new Uint8Array([1]) }, { body: new Uint8Array([1]) }, { body: new Uint8Array([1]) }]);
    t.tick(KEEP_MS - 1);
    await t.keys.refresh();
    expect(await t.keys.current()).toEqual({ body: new Uint8Array([1]) });
    expect(t.fetches()).toBe(1);
    t.tick(1);
    await t.keys.refresh();
    expect(await t.keys.current()).toEqual({ body: new Uint8Array([2]) });
    expect(t.fetches()).toBe(2);
  });

  it('is asked for on the hop\'s timer, never by a client\'s request once the hop has a config', async () => {
    // A fetch timed to a client's would tell the relay when that client asked, for it to line up
    // with what it sees of each device's own address, and to answer with a key of its own.
    const t = sharedWith([config(1), config(2)]);
    await t.keys.current();
    t.tick(KEEP_MS + 1);
    expect(await t.keys.current()).toEqual({ body: new Uint8Array([1]) });
    expect(t.fetches()).toBe(1);
    await t.keys.refresh();
    expect(t.fetches()).toBe(2);
  });

  it('keeps handing out the last good config while the relay is down, and says so when it never had one', async () => {
    const t = sharedWith([config(1), fails]);
    await t.keys.current();
    t.tick(KEEP_MS);
    await t.keys.refresh();
    expect(await t.keys.current()).toEqual({ body: new Uint8Array([1]) });
    const never = sharedWith([fails, async () => ({ status: 200, contentType: 'text/html', body: new Uint8Array([60]) })]);
    expect(await never.keys.current()).toHaveProperty('unavailable');
    // A proxy's HTML page is not a key config (asked once the retry pause is over).
    never.tick(RETRY_MS);
    expect(await never.keys.current()).toHaveProperty('unavailable');
    expect(never.fetches()).toBe(2);
  });
});
