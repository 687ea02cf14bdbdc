/**
 * @module test/support/flakyTransport
 * The network between a client and its relay, played by someone on the path who can break a
 * connection or answer in the relay's place: the next request whose path matches is cut off
 * inside its answer (as a reset connection does), or gets a proxy's HTML error page. Whatever
 * a client concludes from such an answer, it must not be that the relay lied: the relay never
 * said anything.
 */
import type { Transport } from '@hardline/client';

export type Fault = 'cut-mid-answer' | 'proxy-502';

export type FlakyTransport = Transport & {
  /** The next request whose URL path matches `path` meets `fault`; later ones go through. */
  failNext(path: RegExp, fault: Fault): void;
  /** How many armed faults were met so far. */
  readonly met: number;
};

export function flakyTransport(base: Transport): FlakyTransport {
  const armed: { path: RegExp; fault: Fault }[] = [];
  let met = 0;
  const faulty = (inner: typeof fetch): typeof fetch =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const i = armed.findIndex((a) => a.path.test(url.pathname));
      if (i < 0) return inner(input, init);
      const { fault } = armed.splice(i, 1)[0]!;
      met++;
      if (fault === 'proxy-502') {
        return new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } });
      }
      // The relay's real answer starts to arrive, then the connection resets.
      const real = await inner(input, init);
      const head = new Uint8Array(await real.arrayBuffer()).slice(0, 7);
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(head);
          c.error(new TypeError('terminated: other side closed'));
        },
      });
      return new Response(body, { status: real.status, headers: real.headers });
    }) as typeof fetch;
  return {
    ...base,
    fetch: faulty(base.fetch),
    ...(base.fetchUnlinked ? { fetchUnlinked: faulty(base.fetchUnlinked) } : {}),
    failNext(path, fault) {
      armed.push({ path, fault });
    },
    get met() {
      return met;
    },
  };
}
