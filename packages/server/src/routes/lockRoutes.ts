/**
 * @module lockRoutes
 * `POST /v1/locks`: epoch commit locks. The first token wins, later ones get CONFLICT, so two
 * devices never fork an MLS epoch. Tokens are exporter values: they reveal nothing of a group.
 */
import { DecodeError } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import { ok, type Route } from '../http/route.ts';

export const lockRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/locks',
    handle: async (ctx, req) => {
      const token = (await req.json()).token;
      if (typeof token !== 'string' || !/^[0-9a-fA-F]{64}$/.test(token)) throw new DecodeError('token must be 64 hex characters');
      const won = await ctx.store.acquireLock(Buffer.from(token.toLowerCase(), 'hex'), ctx.now());
      if (!won) throw new RelayError('CONFLICT', 'lock already taken');
      return ok({ acquired: true }, 201);
    },
  },
];
