/**
 * @module directoryRoutes
 * `GET /v1/directory`: the whole org directory at once, so that the relay never learns whom a
 * device looked up.
 */
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';

export const directoryRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/directory',
    handle: async (ctx, req) => {
      await requireDevice(ctx, req.headers, req.conn);
      const users = await ctx.store.listDirectory();
      return ok({
        users: users.map((u) => ({
          userId: u.userId,
          handle: u.handle,
          displayName: u.displayName,
          ...(u.phone !== undefined ? { phone: u.phone } : {}),
          ...(u.email !== undefined ? { email: u.email } : {}),
          ...(u.identityKey !== undefined ? { identityKey: u.identityKey } : {}),
          devices: u.devices.map((d) => ({
            deviceId: d.deviceId,
            signaturePublicKey: Buffer.from(d.publicKey).toString('base64url'),
            revoked: d.revoked,
            // Stored as the route validated them; served as objects for clients to verify.
            ...(d.certificate !== undefined ? { certificate: JSON.parse(d.certificate) as unknown } : {}),
            ...(d.revocation !== undefined ? { revocation: JSON.parse(d.revocation) as unknown } : {}),
          })),
        })),
      });
    },
  },
];
