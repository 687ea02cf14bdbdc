/**
 * @module hopUpstream
 * How the hop reaches the relay: its own keep-alive connection pool, shared by all the hop's
 * clients and by nothing else in the process. Many clients' requests then share a few
 * connections, so the relay cannot even group requests by connection.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type UpstreamAnswer = { readonly status: number; readonly contentType: string | undefined; readonly body: Uint8Array };

/** Sends one encapsulated request; answers are read up to `maxAnswer` bytes. */
export type Upstream = (url: URL, body: Uint8Array, contentType: string, timeoutMs: number) => Promise<UpstreamAnswer>;

export function privateUpstream(maxAnswer: number): { readonly send: Upstream; readonly get: (url: URL, timeoutMs: number) => Promise<UpstreamAnswer>; close(): void } {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 32 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 32 });
  const exchange = (url: URL, method: 'GET' | 'POST', headers: Record<string, string | number>, body: Uint8Array | undefined, timeoutMs: number): Promise<UpstreamAnswer> =>
    new Promise((resolve, reject) => {
      const tls = url.protocol === 'https:';
      const req = (tls ? httpsRequest : httpRequest)(url, { method, agent: tls ? https : http, headers, timeout: timeoutMs });
      req.on('timeout', () => req.destroy(new Error('upstream timeout')));
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxAnswer) req.destroy(new Error('upstream answer too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 502, contentType: res.headers['content-type'], body: new Uint8Array(Buffer.concat(chunks, size)) }));
        res.on('error', reject);
      });
      req.end(body);
    });
  // Only what RFC 9458 §5 needs. No Forwarded, Via or user agent: nothing of the client.
  const send: Upstream = (url, body, contentType, timeoutMs) => exchange(url, 'POST', { 'content-type': contentType, 'content-length': body.length }, body, timeoutMs);
  /** A plain GET (the gateway's key config), nothing of the client in it either. */
  const get = (url: URL, timeoutMs: number): Promise<UpstreamAnswer> => exchange(url, 'GET', {}, undefined, timeoutMs);
  return {
    send,
    get,
    close: () => {
      http.destroy();
      https.destroy();
    },
  };
}
