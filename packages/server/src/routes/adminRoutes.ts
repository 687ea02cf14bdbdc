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
import { RelayError } from '../errors/relayError.ts';
import { orgKeyOf } from '../org/acceptOrder.ts';
import type { RelayContext } from '../relayContext.ts';

/**
 * Once the security team installed its org key, the relay's bearer token covers only the relay's
 * own operations: an invite or a revocation must come as an order signed by the org key.
 */
async function refuseOnceOrgKeyed(ctx: RelayContext, what: string): Promise<void> {
  if (await orgKeyOf(ctx)) throw new RelayError('FORBIDDEN', `this organisation signs ${what} with its org key: use \`hardline admin … --org-key FILE\``);
}

export const adminRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/admin/invites',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      await refuseOnceOrgKeyed(ctx, 'invites');
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
      await refuseOnceOrgKeyed(ctx, 'revocations');
      const deviceId = parseDeviceId(req.params.id);
      await revokeDevice(ctx, deviceId);
      return ok({ deviceId, revoked: true });
    },
  },
];
