/**
 * @module postRoutes
 * `POST /v1/post`: one post frame as the raw body, for clients without a WebSocket.
 */
import { MAX_POST_FRAME } from '@hardline/protocol';
import { ok, type Route } from '../http/route.ts';
import { acceptPost } from '../post/acceptPost.ts';

export const postRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/post',
    bodyLimit: MAX_POST_FRAME,
    // `Hardline-Wake: later`: the sender let the recipient's wake-up wait (push/wakeUps.ts).
    handle: async (ctx, req) => ok({ accepted: await acceptPost(ctx, await req.bytes(), req.conn, req.headers['hardline-wake'] === 'later' ? 'later' : 'now') }),
  },
];
