/**
 * @module tokenRoutes
 * Privacy Pass issuance (docs/protocol.md §6): `GET /v1/tokens/key` (anonymous) gives the
 * current issuer key, `POST /v1/tokens` (session) evaluates a batch of blinded requests. The
 * tokens are spent, one per action, on the anonymous claim and new-blob routes.
 */
import { toBase64Url } from '@hardline/protocol';
import { DecodeError } from '@hardline/protocol';
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';

export const tokenRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/tokens/key',
    handle: async (ctx) => {
      const key = await ctx.tokens.currentKey();
      return ok({ keyId: key.id, publicKey: toBase64Url(key.publicKey), createdAt: key.createdAt, lifetimeDays: ctx.limits.tokenKeyLifetimeDays });
    },
  },
  {
    method: 'POST',
    path: '/v1/tokens',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const { request } = await req.json();
      if (typeof request !== 'string') throw new DecodeError('request must be a base64url batched token request');
      return ok(await ctx.tokens.issue(device.deviceId, request));
    },
  },
];
