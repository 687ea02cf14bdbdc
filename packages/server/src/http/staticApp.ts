/**
 * @module staticApp
 * Serves the built web app (packages/web/dist) at `/`, with the headers that keep it honest:
 * a strict Content-Security-Policy (scripts only from this origin, no inline script, no eval,
 * network access only back to this relay and, when the operator named one, to the ingress
 * hop's origin), cross-origin isolation (COOP + COEP, which calls need), and nothing that would
 * let another site frame it. The relay serves every byte the app needs, so a browser using
 * Hardline contacts no third party but the hop its organisation chose.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Where `npm run build -w @hardline/web` writes the app. Returned whether or not it is built
 * yet: until it is, `/` explains how to build it (appNotBuiltPage), and a build made while the
 * relay runs is served without a restart.
 */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../../web/dist/', import.meta.url));
}

export function webAppBuilt(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/**
 * What `/` shows when there is no built app, instead of the API's JSON 404. No inline style or
 * script (the CSP allows neither), and no filesystem path: anyone who can reach the relay sees
 * it; the operator gets the path on stderr at start.
 */
const APP_NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hardline: the web app is not built</title>
</head>
<body>
<main data-page="app-not-built">
<h1>The Hardline web app is not built yet</h1>
<p>This Hardline relay is running, but it has no web app to serve.</p>
<p>Whoever runs the relay can build it from the Hardline checkout with</p>
<pre><code>npm run build</code></pre>
<p>or stop the relay and start it again with <code>npm start</code>, which builds the app first. Then reload this page.</p>
</main>
</body>
</html>
`;

// Host as sent by the browser, already checked against the relay's allowed host names
// (httpHandler.ts): a rebound name never gets here. Reflected only when it looks like a host.
const HOST_RE = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/**
 * `ingressOrigin`: the hop's origin (ingress/ingressUrl.ts checked it at start), the only
 * other place the page may reach: its anonymous posts and claims go there (docs/protocol.md §6).
 */
export function contentSecurityPolicy(host: string | undefined, tls: boolean, ingressOrigin?: string): string {
  const ws = host && HOST_RE.test(host) ? ` ${tls ? 'wss' : 'ws'}://${host}` : '';
  const hop = ingressOrigin ? ` ${ingressOrigin}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    `connect-src 'self'${ws}${hop}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The served app: its folder, whether the relay speaks TLS, and the ingress hop's origin if any. */
export type WebApp = { readonly root: string; readonly tls: boolean; readonly ingressOrigin?: string };

export function securityHeaders(req: IncomingMessage, app: Pick<WebApp, 'tls' | 'ingressOrigin'>): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(req.headers.host, app.tls, app.ingressOrigin),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=(), payment=(), usb=()',
  };
}

/**
 * Answers a GET/HEAD for a file of the app. Returns false when the path is not the app's (the
 * API router then answers, with 404 for unknown paths).
 */
export async function serveStatic(app: WebApp, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const root = app.root;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let pathname: string;
  try {
    pathname = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  } catch {
    return false;
  }
  if (pathname.startsWith('/v1/') || pathname.includes('\0')) return false;
  const rel = pathname === '/' ? 'index.html' : pathname.slice(1);
  const file = normalize(join(root, rel));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return false;
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) return false;
    body = await readFile(file);
  } catch {
    if (rel === 'index.html' && !webAppBuilt(root)) return appNotBuilt(req, res, app);
    return false;
  }
  const hashed = rel.startsWith('assets/');
  res.writeHead(200, {
    ...securityHeaders(req, app),
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    // Hashed names never change content; the page and the worker must be revalidated.
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** 503: the relay works, but the app it should serve is missing until someone builds it. */
function appNotBuilt(req: IncomingMessage, res: ServerResponse, app: WebApp): true {
  const body = Buffer.from(APP_NOT_BUILT_PAGE, 'utf8');
  res.writeHead(503, {
    ...securityHeaders(req, app),
    'Content-Type': TYPES['.html']!,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
