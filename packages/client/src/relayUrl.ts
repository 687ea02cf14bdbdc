/**
 * @module relayUrl
 * Plain http:// leaks everything a network observer would otherwise not see (sizes are padded,
 * but capabilities and session tokens are not), so clients refuse it except on loopback, where
 * there is no network to observe.
 */
import { HardlineError } from '@hardline/protocol';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function parseRelayUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new HardlineError('VALIDATION', `not a URL: ${input}`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (LOOPBACK.has(url.hostname)) return url;
    throw new HardlineError('VALIDATION', `refusing plain http:// to ${url.hostname}: use https:// (plain http is allowed only on 127.0.0.1 or localhost)`);
  }
  throw new HardlineError('VALIDATION', `unsupported scheme ${url.protocol} in ${input}`);
}

export function wsUrl(base: URL, path: string): string {
  const u = new URL(path, base);
  u.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}
