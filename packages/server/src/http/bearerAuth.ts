/**
 * @module bearerAuth
 * `Authorization: Bearer` for the two kinds of caller: a device session or the admin.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RelayError } from '../errors/relayError.ts';
import { observe, type RelayContext } from '../relayContext.ts';
import { adminTokenMatches } from '../session/adminToken.ts';
import { MetaKeys, type DeviceRecord } from '../store/relayStore.ts';

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

/**
 * The hash is read from the store on every admin request, not kept from startup, so that
 * `hardline admin token --rotate` (another process, same SQLite file in WAL mode) takes effect
 * at once without a restart. Admin requests are rare; one indexed read each costs nothing.
 */
export async function requireAdmin(ctx: RelayContext, headers: IncomingHttpHeaders): Promise<void> {
  const token = bearer(headers);
  const storedHash = await ctx.store.getMeta(MetaKeys.ADMIN_TOKEN_HASH);
  if (storedHash === undefined || !adminTokenMatches(token, storedHash)) throw new RelayError('UNAUTHENTICATED', 'wrong admin token');
}
