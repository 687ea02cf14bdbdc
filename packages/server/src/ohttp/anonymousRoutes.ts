/**
 * @module anonymousRoutes
 * The only routes an Oblivious HTTP request may reach: those that take no session, so that
 * what arrives through a hop names no device. A session route through the gateway would tie
 * the device to the hop's traffic and defeat the point; it is refused, not forwarded.
 */
import type { Route } from '../http/route.ts';
import { blobRoutes } from '../routes/blobRoutes.ts';
import { keyPackageRoutes } from '../routes/keyPackageRoutes.ts';
import { lockRoutes } from '../routes/lockRoutes.ts';
import { postRoutes } from '../routes/postRoutes.ts';
import { tokenRoutes } from '../routes/tokenRoutes.ts';
import { turnRoutes } from '../routes/turnRoutes.ts';

const REACHABLE = new Set(['POST /v1/post', 'POST /v1/keypackages/claim', 'GET /v1/blobs/:id', 'PUT /v1/blobs/:id', 'GET /v1/tokens/:purpose/key', 'POST /v1/turn/credentials',
  // The commit lock goes with the commit: taken on a session, it would name the committing device.
  'POST /v1/locks', 'POST /v1/locks/confirm', 'POST /v1/locks/release']);

export const anonymousRoutes: readonly Route[] = [...postRoutes, ...keyPackageRoutes, ...lockRoutes, ...blobRoutes, ...tokenRoutes, ...turnRoutes].filter((r) => REACHABLE.has(`${r.method} ${r.path}`));
