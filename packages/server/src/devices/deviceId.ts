/**
 * @module deviceId
 * Device ids on the wire: 16 bytes as 32 lower-case hex characters.
 */
import { DecodeError, type DeviceId } from '@hardline/protocol';

export function parseDeviceId(value: unknown): DeviceId {
  if (typeof value !== 'string' || !/^[0-9a-f]{32}$/.test(value)) throw new DecodeError('deviceId must be 32 lower-case hex characters');
  return value as DeviceId;
}
