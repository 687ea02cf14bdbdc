/**
 * @module ingressUrl
 * The ingress hop a relay names for its web app (`hardline server --ingress-url`,
 * docs/protocol.md §6). The relay announces it in `GET /v1/org` and adds its origin, and only
 * that, to the page's `connect-src`, so the check here is what keeps an operator's typo out of
 * the Content-Security-Policy: a host name of letters, digits, dots and hyphens (a CSP source
 * cannot name an IPv6 literal, and a `;` in a host would start a directive of its own).
 */
import { ValidationError } from '@hardline/protocol';

const HOST_NAME = /^[a-z0-9.-]+$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/** The hop's URL as the app will POST to it, and the origin the page may connect to. */
export type IngressUrl = { readonly href: string; readonly origin: string };

export function parseIngressUrl(input: string): IngressUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ValidationError(`the ingress hop URL is not a URL: ${input}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ValidationError(`the ingress hop URL must be https:// (got ${url.protocol})`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new ValidationError(`the ingress hop URL must be https:// (plain http is allowed only on 127.0.0.1 or localhost): ${url.hostname}`);
  }
  if (!HOST_NAME.test(url.hostname)) throw new ValidationError('the ingress hop URL needs a host name of letters, digits, dots and hyphens (no IPv6 literal)');
  if (url.username || url.password || url.search || url.hash) throw new ValidationError('the ingress hop URL takes no user name, password, query or fragment');
  // The hop answers POST / and POST /v1/ohttp only (ingressHop.ts).
  if (url.pathname !== '/' && url.pathname !== '/v1/ohttp') throw new ValidationError('the ingress hop URL is its origin, or its origin and /v1/ohttp');
  return { href: url.href, origin: url.origin };
}
