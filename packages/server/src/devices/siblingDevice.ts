/**
 * @module siblingDevice
 * The device a path's `:id` names, for a caller acting on its own user's devices (revoke one,
 * certify one, label one). One check for all of them: a session may touch its own user's
 * devices and nobody else's, and an unknown id is told apart from someone else's device.
 */
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import type { RouteRequest } from '../http/route.ts';
import type { RelayContext } from '../relayContext.ts';
import type { DeviceRecord } from '../store/relayStore.ts';
import { parseDeviceId } from './deviceId.ts';

export async function requireSiblingDevice(ctx: RelayContext, req: RouteRequest): Promise<DeviceRecord> {
  const device = await requireDevice(ctx, req.headers, req.conn);
  const target = await ctx.store.getDevice(parseDeviceId(req.params.id));
  if (!target) throw new RelayError('NOT_FOUND', 'no such device');
  if (target.userId !== device.userId) throw new RelayError('FORBIDDEN', 'not a device of this user');
  return target;
}
