/**
 * @module blobRoutes
 * `GET /v1/blobs/:id` and `PUT /v1/blobs/:id`: opaque versioned blobs with compare-and-swap,
 * reached by capability only (no session), so the relay cannot tie a blob to an account. The
 * only client today is the encrypted contact book (docs/protocol.md §9).
 *
 * Quotas (limits/blobSpace.ts): a blob is at most `maxBlobBytes`; all blobs together fit the
 * relay's blob space; a blob unused (no read or write with its capability) for `blobIdleDays`
 * is deleted, which is why a read here marks the blob used; no write while the disk is low.
 */
import { DecodeError, isBlobBucketSize, MAX_BLOB, TooLargeError, ValidationError } from '@hardline/protocol';
import { capabilityMatches, sha256 } from '../capabilityBytes.ts';
import { RelayError } from '../errors/relayError.ts';
import { capabilityFrom } from '../http/capabilityAuth.ts';
import { requireBase64Url } from '../http/jsonBody.ts';
import { ok, type Route } from '../http/route.ts';
import { blobSpaceOf, roomForNewBlob } from '../limits/blobSpace.ts';

/** A maximal blob as base64url in JSON, with room for the version. */
export const BLOB_BODY_LIMIT = Math.ceil((MAX_BLOB * 4) / 3) + 1024;
const MAX_VERSION = Number.MAX_SAFE_INTEGER - 1;

function blobId(params: Readonly<Record<string, string>>): string {
  const id = params.id ?? '';
  if (!/^[0-9a-f]{32}$/.test(id)) throw new DecodeError('blob id must be 32 lower-case hex characters');
  return id;
}

export const blobRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/blobs/:id',
    handle: async (ctx, req) => {
      const id = blobId(req.params);
      const cap = capabilityFrom(req.headers);
      const blob = await ctx.store.getBlob(id);
      if (!blob) throw new RelayError('NOT_FOUND', 'no such blob');
      if (!capabilityMatches(cap, blob.capHash)) throw new RelayError('BAD_CAPABILITY', 'wrong capability for this blob');
      // Every device reads its contact book at each sync: a book in use never idles out.
      await ctx.store.touchBlob(id, ctx.now());
      return ok({ version: blob.version, data: Buffer.from(blob.data).toString('base64url') });
    },
  },
  {
    method: 'PUT',
    path: '/v1/blobs/:id',
    bodyLimit: BLOB_BODY_LIMIT,
    handle: async (ctx, req) => {
      const id = blobId(req.params);
      const cap = capabilityFrom(req.headers);
      const body = await req.json();
      const version = body.version;
      if (!Number.isSafeInteger(version) || (version as number) < 0 || (version as number) > MAX_VERSION) {
        throw new ValidationError('version must be the current version (0 for a new blob)');
      }
      const data = requireBase64Url(body, 'data', undefined, MAX_BLOB);
      // Only bucket sizes: a client that forgot to pad must not leak its content's size.
      if (!isBlobBucketSize(data.length)) throw new ValidationError(`data of ${data.length} bytes is not a blob bucket size`);
      if (data.length > ctx.limits.maxBlobBytes) throw new TooLargeError('blob', data.length, ctx.limits.maxBlobBytes);
      await ctx.disk.requireRoom();
      const space = await blobSpaceOf(ctx);
      const full = () => new RelayError('BLOBS_FULL', "the relay has no room for another blob, or a bigger one, now; existing blobs keep working");
      const creating = version === 0 && !(await ctx.store.getBlob(id));
      // Before any token is spent: a creation the space refuses costs the caller nothing.
      if (creating && !(await roomForNewBlob(ctx, space, data.length))) throw full();
      // A new blob takes disk space nobody else is charged for, so creating one costs a token;
      // updates are paid for by the capability (compare-and-swap on an existing blob).
      if (creating) await ctx.tokens.spend('blob', body.token, req.source);
      const r = await ctx.store.putBlob(id, sha256(cap), version as number, data, ctx.now(), space);
      if (r.status === 'full') throw full();
      if (r.status === 'forbidden') throw new RelayError('BAD_CAPABILITY', 'wrong capability for this blob');
      if (r.status === 'conflict') throw new RelayError('CONFLICT', 'the blob has changed; fetch it, merge and retry', { details: { version: r.version } });
      return ok({ version: r.version });
    },
  },
];
