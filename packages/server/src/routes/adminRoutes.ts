/**
 * @module adminRoutes
 * The security team's endpoints: invite codes, the device list, revocation.
 */
import { codeHash, INVITE_TTL_MS, newEnrolmentCode } from '../enrolment/enrolmentCode.ts';
import { parseHandle } from '../enrolment/handle.ts';
import { parseDeviceId } from '../devices/deviceId.ts';
import { revokeDevice } from '../devices/revokeDevice.ts';
import { requireAdmin } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';

export const adminRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/admin/invites',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      const body = await req.json();
      const handle = body.handle === undefined || body.handle === null ? undefined : parseHandle(body.handle);
      const code = newEnrolmentCode();
      await ctx.store.createCode({ hash: codeHash(code), kind: 'invite', ...(handle ? { handle } : {}), expiresAt: ctx.now() + INVITE_TTL_MS });
      return ok({ code });
    },
  },
  {
    method: 'GET',
    path: '/v1/admin/devices',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      const users = await ctx.store.listDirectory();
      return ok({
        devices: users.flatMap((u) =>
          u.devices.map((d) => ({ deviceId: d.deviceId, userId: u.userId, handle: u.handle, displayName: u.displayName, revoked: d.revoked })),
        ),
      });
    },
  },
  {
    method: 'POST',
    path: '/v1/admin/devices/:id/revoke',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      const deviceId = parseDeviceId(req.params.id);
      await revokeDevice(ctx, deviceId);
      return ok({ deviceId, revoked: true });
    },
  },
];
