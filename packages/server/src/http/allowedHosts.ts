/**
 * @module allowedHosts
 * The host names this relay answers to. A request naming any other host is refused before
 * anything else happens: that is DNS rebinding (a hostile site re-points its own name at a
 * relay on 127.0.0.1 or on the office network, and its page then talks to the relay as a
 * same-origin peer), or a misrouted request. The names come from the operator
 * (`--allowed-hosts`), never from the request, so no header is ever copied into a response.
 */

const HOST_HEADER = /^(?<name>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** Lower case, no trailing dot, IPv6 in brackets: the form a Host header carries. */
export function normaliseHostName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/**
 * The listening host and the loopback names. A relay listening on every interface has no
 * name of its own to add: it answers to loopback names only until the operator names it.
 */
export function defaultAllowedHosts(listenHost: string): string[] {
  const own = normaliseHostName(listenHost);
  return [...new Set([...(WILDCARD.has(own) ? [] : [own]), ...LOOPBACK])];
}

export function isWildcardHost(listenHost: string): boolean {
  return WILDCARD.has(normaliseHostName(listenHost));
}

export type HostCheck = 'allowed' | 'missing' | 'other';

/** Checks a Host header (the port is the listener's business, not checked here). */
export function checkHost(header: string | undefined, allowed: ReadonlySet<string>): HostCheck {
  if (header === undefined || header === '') return 'missing';
  const name = HOST_HEADER.exec(header)?.groups?.name;
  return name !== undefined && allowed.has(normaliseHostName(name)) ? 'allowed' : 'other';
}
