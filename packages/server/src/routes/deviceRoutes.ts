/**
 * @module deviceRoutes
 * A device managing its own user: link codes for a new device, and revoking a sibling.
 */
import { newEnrolmentCode, codeHash, LINK_TTL_MS } from '../enrolment/enrolmentCode.ts';
import { parseDeviceId } from '../devices/deviceId.ts';
import { revokeDevice } from '../devices/revokeDevice.ts';
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';

export const deviceRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/devices/link-codes',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const code = newEnrolmentCode();
      await ctx.store.createCode({ hash: codeHash(code), kind: 'link', userId: device.userId, expiresAt: ctx.now() + LINK_TTL_MS });
      return ok({ code });
    },
  },
  {
    method: 'POST',
    path: '/v1/devices/:id/revoke',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const target = await ctx.store.getDevice(parseDeviceId(req.params.id));
      if (!target) throw new RelayError('NOT_FOUND', 'no such device');
      if (target.userId !== device.userId) throw new RelayError('FORBIDDEN', 'not a device of this user');
      await revokeDevice(ctx, target.deviceId);
      return ok({ deviceId: target.deviceId, revoked: true });
    },
  },
];
