/**
 * @module ohttpRoutes
 * The relay as an Oblivious HTTP gateway (RFC 9458; docs/protocol.md §6): `GET /v1/ohttp/keys`
 * serves its key config (`application/ohttp-keys`), `POST /v1/ohttp` takes an encapsulated
 * request (`message/ohttp-req`) from a hop and answers `message/ohttp-res`.
 */
import { MAX_POST_FRAME, ValidationError } from '@hardline/protocol';
import { ok, type Route } from '../http/route.ts';
import { openAndDispatch } from '../ohttp/gatewayDispatch.ts';
import { BLOB_BODY_LIMIT } from './blobRoutes.ts';

/** The largest inner request (a maximal blob write) plus room for binary HTTP and HPKE. */
export const OHTTP_BODY_LIMIT = Math.max(BLOB_BODY_LIMIT, MAX_POST_FRAME) + 4096;

export const ohttpRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/ohttp/keys',
    handle: async (ctx) => ({ ...ok(ctx.ohttp.published()), contentType: 'application/ohttp-keys' }),
  },
  {
    method: 'POST',
    path: '/v1/ohttp',
    bodyLimit: OHTTP_BODY_LIMIT,
    handle: async (ctx, req) => {
      const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'message/ohttp-req') throw new ValidationError('the gateway takes content-type message/ohttp-req');
      const sealed = await openAndDispatch(ctx, await req.bytes(), { conn: req.conn, source: req.source });
      return { ...ok(sealed), contentType: 'message/ohttp-res' };
    },
  },
];
