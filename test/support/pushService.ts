/**
 * @module pushService
 * A local stand-in for a browser vendor's push service (RFC 8030), for tests. It hands out
 * subscriptions whose keys it holds (P-256 key pair and auth secret, made with node:crypto, as
 * a browser would), receives the relay's POSTs, checks the VAPID JWT (RFC 8292) and decrypts
 * the aes128gcm payload (RFC 8291) with the `http_ece` library. It records exactly what a real
 * push service sees, so tests can play the vendor: times, headers, sizes, and the plaintext.
 */
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(buffer: Buffer, params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: Buffer }): Buffer;
};

export type BrowserSubscription = { endpoint: string; keys: { p256dh: string; auth: string } };

export type ReceivedPush = {
  readonly subscription: string;
  readonly at: number;
  readonly bodyLength: number;
  readonly ttl: string | undefined;
  readonly urgency: string | undefined;
  readonly topic: string | undefined;
  readonly contentEncoding: string | undefined;
  /** The JWT verified against `k` with audience = this service's origin, not expired. */
  readonly vapidValid: boolean;
  /** The VAPID public key (`k`), base64url. */
  readonly vapidKey: string | undefined;
  readonly jwtClaims: Record<string, unknown> | undefined;
  /** What the browser would decrypt; undefined when decryption failed. */
  readonly plaintext: Buffer | undefined;
};

export type PushServiceStandIn = {
  readonly origin: string;
  readonly host: string;
  readonly received: ReceivedPush[];
  /** Called for each push accepted, as a vendor would then deliver it to the browser. */
  onPush: ((p: ReceivedPush) => void) | undefined;
  subscribe(): BrowserSubscription;
  /** Answer 410 Gone from now on, as a service does for an expired subscription. */
  expire(sub: BrowserSubscription): void;
  /** Answer normally again: a vendor that called a live subscription gone to stop its cover. */
  revive(sub: BrowserSubscription): void;
  /** Keep answers back until the returned function is called (a slow push service). */
  hold(): () => void;
  close(): Promise<void>;
};

function verifyVapid(header: string | undefined, origin: string): { valid: boolean; key: string | undefined; claims: Record<string, unknown> | undefined } {
  const m = header ? /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header) : null;
  if (!m) return { valid: false, key: undefined, claims: undefined };
  const [, jwt, k] = m as unknown as [string, string, string];
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return { valid: false, key: k, claims: undefined };
  const raw = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const header_ = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const sigOk = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const now = Date.now() / 1000;
  const valid = sigOk && header_.alg === 'ES256' && claims.aud === origin && exp > now && exp <= now + 24 * 3600 && typeof claims.sub === 'string';
  return { valid, key: k, claims };
}

export async function startPushService(): Promise<PushServiceStandIn> {
  const keys = new Map<string, { ecdh: ECDH; auth: Buffer }>();
  const expired = new Set<string>();
  const received: ReceivedPush[] = [];
  let origin = '';
  let held: Promise<void> | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = /^\/push\/([0-9a-f]{32})$/.exec(req.url ?? '')?.[1];
      const sub = id ? keys.get(id) : undefined;
      if (req.method !== 'POST' || !id || !sub) return void res.writeHead(404).end();
      if (expired.has(id)) return void res.writeHead(410).end();
      const body = Buffer.concat(chunks);
      const vapid = verifyVapid(req.headers.authorization, origin);
      let plaintext: Buffer | undefined;
      try {
        plaintext = ece.decrypt(body, { version: 'aes128gcm', privateKey: sub.ecdh, authSecret: sub.auth });
      } catch {
        plaintext = undefined;
      }
      const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h);
      const got: ReceivedPush = {
        subscription: id,
        at: Date.now(),
        bodyLength: body.length,
        ttl: one(req.headers.ttl),
        urgency: one(req.headers.urgency),
        topic: one(req.headers.topic),
        contentEncoding: one(req.headers['content-encoding']),
        vapidValid: vapid.valid,
        vapidKey: vapid.key,
        jwtClaims: vapid.claims,
        plaintext,
      };
      received.push(got);
      if (vapid.valid) handle.onPush?.(got);
      const answer = (): void => void res.writeHead(vapid.valid ? 201 : 403).end();
      if (held) void held.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  const handle: PushServiceStandIn = {
    origin,
    host: '127.0.0.1',
    received,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomBytes(16).toString('hex');
      keys.set(id, { ecdh, auth });
      return { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
    },
    expire(sub) {
      expired.add(sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1));
    },
    revive(sub) {
      expired.delete(sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1));
    },
    hold() {
      let release = (): void => {};
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    onPush: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return handle;
}
