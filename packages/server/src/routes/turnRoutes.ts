/**
 * @module turnRoutes
 * `GET /v1/turn`: short-lived TURN credentials for an enrolled device. `relayOnly` tells the
 * client to set `iceTransportPolicy: 'relay'`; without a TURN server it is false and calls
 * would use direct connections (the relay warned at start).
 */
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';
import { mintTurnCredentials } from '../turn/turnCredentials.ts';

export const turnRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/turn',
    handle: async (ctx, req) => {
      await requireDevice(ctx, req.headers, req.conn);
      if (!ctx.turn) return ok({ iceServers: [], ttlSeconds: 0, relayOnly: false });
      return ok({ ...mintTurnCredentials(ctx.turn, ctx.now()), relayOnly: true });
    },
  },
];
