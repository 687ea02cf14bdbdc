/**
 * @module test/support/addressWatch
 * What reached the relay from a device's own address: the device's transport, noting every
 * anonymous call that left it and where to (straight to the relay, or through a hop). A call on
 * one of the relay's anonymous routes that went straight gives the device's address away; the
 * transport is the one thing an address is seen on.
 */
import type { Transport, WebSocketLike } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';

/** The relay's anonymous routes: a call on one of them from the device's address gives it away. */
export const ANONYMOUS = /^\/v1\/(post|keypackages\/claim|blobs\/|turn\/credentials|locks)/;

export type Seen = { readonly direct: string[]; readonly viaHop: string[] };

/** The device's transport, noting every anonymous call that left it, and where to. */
export function watched(relay: string, hop: string): { transport: Transport; seen: Seen } {
  const seen: Seen = { direct: [], viaHop: [] };
  const note = (url: URL, what: string) => {
    if (url.origin === new URL(hop).origin) seen.viaHop.push(what);
    else if (url.origin === new URL(relay).origin && ANONYMOUS.test(url.pathname)) seen.direct.push(what);
  };
  const wrap = (f: typeof fetch): typeof fetch => (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    note(url, `${init?.method ?? 'GET'} ${url.pathname}`);
    return f(input, init);
  };
  const transport: Transport = {
    fetch: wrap(nodeTransport.fetch),
    fetchUnlinked: wrap(nodeTransport.fetchUnlinked ?? nodeTransport.fetch),
    openWebSocket(url: string): WebSocketLike {
      const u = new URL(url);
      note(new URL(`${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}${u.pathname}`), `WS ${u.pathname}`);
      return nodeTransport.openWebSocket(url);
    },
  };
  return { transport, seen };
}
