/**
 * @module sessionWatch
 * Tells the send scheduler when this device acts under its own name: every request on the
 * shared fetch (the session and its challenge), and every frame of an authenticated WebSocket (the inbox's
 * subscribe and acknowledgements). A post that left moments after one of these would be paired
 * with it by a live relay operator, so the scheduler keeps a quiet period after each.
 * Anonymous calls (fetchUnlinked, the posting WebSocket) pass through unwatched.
 */
import type { Transport, WebSocketLike } from './transport.ts';

/**
 * `relay`: an acknowledgement of envelopes the relay pushed, at a moment the relay chose. It
 * still starts a quiet period (a post right after it would be paired with the push it answers),
 * but it is not the device acting of its own accord.
 */
export type SessionCause = 'device' | 'relay';

export type SessionMarks = {
  /** An authenticated action begins; `end` is called once it is over. */
  begin(cause?: SessionCause): () => void;
};

/** The inbox's acknowledgement frame (inbox.ts `ack`): sent because the relay pushed. */
const isAck = (data: string | Uint8Array): boolean => typeof data === 'string' && data.startsWith('{"type":"ack"');

/**
 * Every call on the shared fetch counts, not only those with a session token: the session
 * challenge names the device in its body, and the shared fetch keeps its connection alive
 * across them. Only Oblivious HTTP requests (to the ingress hop: anonymous posts and claims)
 * are left out; they name no one and carry nothing the hop can read.
 */
function carriesSession(init: RequestInit | undefined): boolean {
  const h = init?.headers;
  const type = !h ? undefined : h instanceof Headers ? h.get('content-type') : Array.isArray(h) ? undefined : (h as Record<string, string>)['content-type'];
  return type !== 'message/ohttp-req';
}

export function watchSession(inner: Transport, marks: SessionMarks): Transport {
  const watchedFetch: typeof fetch = async (input, init) => {
    if (!carriesSession(init)) return inner.fetch(input, init);
    const end = marks.begin();
    try {
      return await inner.fetch(input, init);
    } finally {
      end();
    }
  };
  return {
    fetch: watchedFetch,
    ...(inner.fetchUnlinked ? { fetchUnlinked: inner.fetchUnlinked } : {}),
    openWebSocket(url: string): WebSocketLike {
      const ws = inner.openWebSocket(url);
      // The posting socket is anonymous; every other socket (the inbox) authenticates.
      if (new URL(url).pathname.endsWith('/v1/post')) return ws;
      marks.begin()();
      const send = ws.send.bind(ws);
      ws.send = (data) => {
        const end = marks.begin(isAck(data) ? 'relay' : 'device');
        send(data);
        end();
      };
      const close = ws.close.bind(ws);
      ws.close = (code, reason) => {
        marks.begin()();
        close(code, reason);
      };
      return ws;
    },
  };
}
