/**
 * @module staticApp
 * Serves the built web app (packages/web/dist) at `/`, with the headers that keep it honest:
 * a strict Content-Security-Policy (scripts only from this origin, no inline script, no eval,
 * network access only back to this relay), cross-origin isolation (COOP + COEP, which calls
 * need), and nothing that would let another site frame it. The relay serves every byte the
 * app needs, so a browser using Hardline contacts no third party.
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

/** Where `npm run build -w @hardline/web` writes the app. */
export function defaultWebRoot(): string | undefined {
  const dir = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

// Host as sent by the browser; reflected into connect-src only when it looks like a host.
const HOST_RE = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

export function contentSecurityPolicy(host: string | undefined, tls: boolean): string {
  const ws = host && HOST_RE.test(host) ? ` ${tls ? 'wss' : 'ws'}://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    `connect-src 'self'${ws}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function securityHeaders(req: IncomingMessage, tls: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(req.headers.host, tls),
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
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, tls: boolean): Promise<boolean> {
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
    return false;
  }
  const hashed = rel.startsWith('assets/');
  res.writeHead(200, {
    ...securityHeaders(req, tls),
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    // Hashed names never change content; the page and the worker must be revalidated.
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
