/**
 * @module turnRoutes
 * `POST /v1/turn/credentials`: short-lived TURN credentials for whoever spends a `turn` Privacy
 * Pass token (tokens/tokenIssuer.ts). No session: the device fetched its tokens in a blinded
 * batch at some earlier time, so the relay learns "some enrolled device is about to call, or
 * is keeping a credential ready", never which one, and the credential's username
 * (turn/turnCredentials.ts) names no one either. The request may come through the ingress hop.
 *
 * `relayOnly` tells the client to set `iceTransportPolicy: 'relay'`. Without a TURN server it
 * is false, the answer holds no credentials and no token is spent (there is nothing to pay
 * for; the relay warned at start that calls may connect directly).
 *
 * The old `GET /v1/turn` over the device's session is gone: it named the device at the moment
 * of each call, which is the link this route exists to remove (docs/protocol.md §6).
 */
import { ok, type Route } from '../http/route.ts';
import { mintTurnCredentials } from '../turn/turnCredentials.ts';

export const turnRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/turn/credentials',
    handle: async (ctx, req) => {
      const body = await req.json();
      if (!ctx.turn) return ok({ iceServers: [], ttlSeconds: 0, relayOnly: false });
      await ctx.tokens.spend('turn', body.token, req.source);
      return ok({ ...mintTurnCredentials(ctx.turn, ctx.now()), relayOnly: true });
    },
  },
];
