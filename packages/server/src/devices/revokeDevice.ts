/**
 * @module revokeDevice
 * Revocation takes effect everywhere at once: the directory flag (so other devices remove it
 * from their groups), its unclaimed KeyPackages, its session tokens and its open inbox sockets.
 */
import type { DeviceId } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import type { RelayContext } from '../relayContext.ts';

export const REVOKED_CLOSE_CODE = 4003;

/**
 * `revocation`: the person's signed revocation (JSON), kept so their correspondents can check
 * it; `logLeaf`: its key-transparency entry, appended with it.
 */
export async function revokeDevice(ctx: RelayContext, deviceId: DeviceId, revocation?: string, logLeaf?: Uint8Array): Promise<void> {
  if (!(await ctx.store.revokeDevice(deviceId, revocation, logLeaf))) throw new RelayError('NOT_FOUND', 'no such device');
  disconnectRevoked(ctx, deviceId);
}

/** Ends what a device revoked in the store still holds open: session tokens and inbox sockets. */
export function disconnectRevoked(ctx: RelayContext, deviceId: DeviceId): void {
  ctx.sessions.revokeDevice(deviceId);
  ctx.hub.closeDevice(deviceId, REVOKED_CLOSE_CODE, 'REVOKED');
}
