/**
 * @module lockRoutes
 * Epoch commit locks (locks/epochLocks.ts): take a hold, then confirm it right before posting
 * the commit, or release it when there is nothing to commit. The first confirmed token wins for
 * good, so two devices never fork an MLS epoch; a hold that is never confirmed lapses within
 * seconds, so a device whose claims failed cannot jam the conversation. Tokens are exporter
 * values: they reveal nothing of a group. Anonymous, like posting.
 */
import { DecodeError } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import { HOLD_MS } from '../locks/epochLocks.ts';
import { ok, type Route } from '../http/route.ts';

function readToken(body: Record<string, unknown>): string {
  const token = body.token;
  if (typeof token !== 'string' || !/^[0-9a-fA-F]{64}$/.test(token)) throw new DecodeError('token must be 64 hex characters');
  return token.toLowerCase();
}

function readHold(body: Record<string, unknown>): string {
  const hold = body.hold;
  if (typeof hold !== 'string' || !/^[0-9a-f]{32}$/.test(hold)) throw new DecodeError('hold must be 32 hex characters');
  return hold;
}

export const lockRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/locks',
    handle: async (ctx, req) => {
      const token = readToken(await req.json());
      const hold = ctx.locks.take(token, ctx.now());
      if (!hold) throw new RelayError('CONFLICT', 'lock already taken');
      return ok({ hold, holdMs: HOLD_MS }, 201);
    },
  },
  {
    method: 'POST',
    path: '/v1/locks/confirm',
    handle: async (ctx, req) => {
      const body = await req.json();
      const token = readToken(body);
      if (!ctx.locks.finish(token, readHold(body))) throw new RelayError('CONFLICT', 'the hold lapsed and another device took the lock');
      if (!(await ctx.store.acquireLock(Buffer.from(token, 'hex'), ctx.now()))) throw new RelayError('CONFLICT', 'a commit was already made in this epoch');
      return ok({ locked: true });
    },
  },
  {
    method: 'POST',
    path: '/v1/locks/release',
    handle: async (ctx, req) => {
      const body = await req.json();
      ctx.locks.finish(readToken(body), readHold(body));
      return ok({ released: true });
    },
  },
];
