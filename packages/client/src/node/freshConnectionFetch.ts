/**
 * @module node/freshConnectionFetch
 * A fetch whose request goes on a TCP (and TLS) connection of its own, closed after the
 * response. Node's global fetch keeps connections alive and reuses them, so an anonymous claim
 * or blob write could ride the very connection that just carried this device's session: the
 * relay would then see one connection authenticate as the device and, a moment later, claim a
 * KeyPackage (the ingress hop's e2e test caught exactly that). `agent: false` gives each request
 * a fresh socket. Only what the relay API uses is supported: method, headers, a string or bytes body.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

const NO_BODY = new Set([101, 204, 205, 304]);

function responseHeaders(raw: IncomingHttpHeaders): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v]) h.append(k, value);
  return h;
}

export const freshConnectionFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries(new Headers(init?.headers).entries());
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    return Promise.reject(new TypeError('freshConnectionFetch sends only string or byte bodies'));
  }
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, { method: init?.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res.headers) }));
      });
    });
    req.on('error', reject);
    init?.signal?.addEventListener('abort', () => req.destroy(new DOMException('aborted', 'AbortError')), { once: true });
    req.end(body ?? undefined);
  });
};
