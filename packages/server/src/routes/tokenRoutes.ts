/**
 * @module tokenRoutes
 * Privacy Pass issuance (docs/protocol.md §6): `GET /v1/tokens/:purpose/key` (anonymous) gives
 * the purpose's current issuer key, `POST /v1/tokens/:purpose` (session) evaluates a batch of
 * blinded requests. The tokens are spent, one per action, on the anonymous claim (`claim`),
 * new-blob (`blob`) and TURN-credential (`turn`) routes.
 */
import { toBase64Url } from '@hardline/protocol';
import { DecodeError } from '@hardline/protocol';
import { requireDevice } from '../http/bearerAuth.ts';
import { TOKEN_PURPOSES, type TokenPurpose } from '../tokens/tokenLedger.ts';
import { ok, type Route } from '../http/route.ts';

function purposeOf(params: Readonly<Record<string, string>>): TokenPurpose {
  const purpose = params.purpose ?? '';
  if (!(TOKEN_PURPOSES as readonly string[]).includes(purpose)) throw new DecodeError(`token purpose must be one of ${TOKEN_PURPOSES.join(', ')}`);
  return purpose as TokenPurpose;
}

export const tokenRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/tokens/:purpose/key',
    handle: async (ctx, req) => {
      const key = await ctx.tokens.currentKey(purposeOf(req.params));
      return ok({ keyId: key.id, publicKey: toBase64Url(key.publicKey), createdAt: key.createdAt, lifetimeDays: ctx.limits.tokenKeyLifetimeDays });
    },
  },
  {
    method: 'POST',
    path: '/v1/tokens/:purpose',
    handle: async (ctx, req) => {
      const purpose = purposeOf(req.params);
      const device = await requireDevice(ctx, req.headers, req.conn);
      const { request } = await req.json();
      if (typeof request !== 'string') throw new DecodeError('request must be a base64url batched token request');
      return ok(await ctx.tokens.issue(device.deviceId, purpose, request));
    },
  },
];
