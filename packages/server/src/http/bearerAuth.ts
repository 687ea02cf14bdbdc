/**
 * @module bearerAuth
 * `Authorization: Bearer` for the two kinds of caller: a device session or the admin.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RelayError } from '../errors/relayError.ts';
import { observe, type RelayContext } from '../relayContext.ts';
import { adminTokenMatches } from '../session/adminToken.ts';
import type { DeviceRecord } from '../store/relayStore.ts';

function bearer(headers: IncomingHttpHeaders): string {
  const h = headers.authorization;
  const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9_\-.~+/=]{1,512})$/.exec(h) : null;
  if (!m) throw new RelayError('UNAUTHENTICATED', 'missing bearer token');
  return m[1]!;
}

export async function requireDevice(ctx: RelayContext, headers: IncomingHttpHeaders, conn: number): Promise<DeviceRecord> {
  const deviceId = ctx.sessions.lookup(bearer(headers));
  if (!deviceId) throw new RelayError('UNAUTHENTICATED', 'unknown or expired session token');
  const device = await ctx.store.getDevice(deviceId);
  if (!device) throw new RelayError('UNAUTHENTICATED', 'unknown device');
  if (device.revoked) throw new RelayError('REVOKED', 'device is revoked');
  if (ctx.observer) observe(ctx, { kind: 'auth', conn, device: deviceId });
  return device;
}

export function requireAdmin(ctx: RelayContext, headers: IncomingHttpHeaders): void {
  if (!adminTokenMatches(bearer(headers), ctx.adminTokenHash)) throw new RelayError('UNAUTHENTICATED', 'wrong admin token');
}
