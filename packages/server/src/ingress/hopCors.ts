/**
 * @module hopCors
 * Which web apps may post through the hop (`hardline ingress --allow-origin`): a relay's web
 * app lives on the relay's origin and reaches the hop cross-origin, so the browser asks first
 * (a preflight: `message/ohttp-req` is not a type a page may send unasked) and reads the
 * answer only if the hop names the page's origin.
 *
 * Only the listed origins get CORS headers, and never `Access-Control-Allow-Credentials`: the
 * app sends its hop requests without credentials (browserTransport's fetchUnlinked), and a hop
 * that let cookies through would hand whoever runs it a way to tell its clients apart. No
 * wildcard: any site could otherwise turn its visitors' browsers into the hop's users, and
 * the hop into a cannon against the relay.
 */
import { ValidationError } from '@hardline/protocol';

const HOST_NAME = /^[a-z0-9.-]+$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

/** An origin as a browser sends it in `Origin`: https, or http on loopback, and nothing after the port. */
export function parseAllowedOrigin(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ValidationError(`--allow-origin takes an origin such as https://relay.example.org, not ${input}`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure) throw new ValidationError(`--allow-origin must be https:// (plain http only on 127.0.0.1 or localhost): ${input}`);
  if (!HOST_NAME.test(url.hostname)) throw new ValidationError(`--allow-origin needs a host name (no IPv6 literal): ${input}`);
  // An origin has no path, query or credentials; a URL with them was meant as something else.
  if (input.replace(/\/$/, '') !== url.origin) throw new ValidationError(`--allow-origin is an origin alone (scheme, host and port), like ${url.origin}: ${input}`);
  return url.origin;
}

export type CorsDecision =
  /** No Origin header: not a browser's cross-origin request (the CLI sends none). */
  | { readonly kind: 'none' }
  | { readonly kind: 'allowed'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'refused' };

/** How long a browser may keep a preflight's answer; each post would otherwise cost two round trips. */
const PREFLIGHT_MAX_AGE_S = 600;

export class HopCors {
  readonly #origins: ReadonlySet<string>;
  constructor(origins: readonly string[] = []) {
    this.#origins = new Set(origins.map(parseAllowedOrigin));
  }

  /** For a POST: the headers its answer carries, or a refusal for an origin not listed. */
  forRequest(origin: string | undefined): CorsDecision {
    if (origin === undefined) return { kind: 'none' };
    if (!this.#origins.has(origin)) return { kind: 'refused' };
    return { kind: 'allowed', headers: { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } };
  }

  /**
   * For an OPTIONS preflight: allowed only for a listed origin asking to POST with at most a
   * `content-type` header, which is all an encapsulated request needs.
   */
  forPreflight(origin: string | undefined, method: string | undefined, headers: string | undefined): CorsDecision {
    const asked = this.forRequest(origin);
    if (asked.kind !== 'allowed') return { kind: 'refused' };
    if (method !== 'POST') return { kind: 'refused' };
    const names = (headers ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
    if (names.some((h) => h !== 'content-type')) return { kind: 'refused' };
    return {
      kind: 'allowed',
      headers: {
        ...asked.headers,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'content-type',
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_S),
      },
    };
  }
}
