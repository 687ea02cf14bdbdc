/**
 * @module devices/deviceLabel
 * The name a user gave a device ("Work laptop") and its platform ("Chromium on Linux"), as the
 * device itself reports them after enrolment, for the security team's device list. Both follow
 * the display-name rule (no controls, direction marks or invisible characters): the console
 * shows them beside a Revoke button, where a name must not pass for another device's.
 * The relay keeps them for the security team only: the directory never serves them.
 */
import { checkDisplayName, ValidationError } from '@hardline/protocol';
import type { JsonObject } from '../http/jsonBody.ts';

export const MAX_DEVICE_LABEL = 64;

export type DeviceLabel = { readonly name: string; readonly platform: string };

export function parseDeviceLabel(body: JsonObject): DeviceLabel {
  return { name: field(body, 'name'), platform: field(body, 'platform') };
}

function field(body: JsonObject, key: 'name' | 'platform'): string {
  const v = body[key];
  if (typeof v !== 'string') throw new ValidationError(`${key} must be a string`);
  if (v.length > MAX_DEVICE_LABEL) throw new ValidationError(`${key} must be 1 to ${MAX_DEVICE_LABEL} characters`);
  try {
    return checkDisplayName(v.trim());
  } catch (e) {
    throw new ValidationError(`device ${key}: ${(e as Error).message.replace(/^displayName /, '')}`);
  }
}
