/**
 * @module session/deviceLabel
 * The name and platform this browser reports for the security team's device list
 * (`PUT /v1/devices/:id/label`, docs/protocol.md §7 risk 11). The platform ("Chromium on
 * Linux") is read from the browser; the name is what the user typed at enrolment, and the
 * platform when they typed nothing. Sent after enrolment, apart from it, so a failure here
 * never costs the enrolment: it is retried a few times, then left (the list shows "unnamed").
 */
import type { HardlineClient } from '@hardline/client';

export const MAX_DEVICE_NAME = 64;
const RETRY_DELAYS_MS = [2_000, 10_000, 60_000];

type UaData = { readonly brands?: readonly { readonly brand: string }[]; readonly platform?: string };

/** "<browser> on <os>", from User-Agent Client Hints where the browser has them, else the UA string. */
export function platformLabel(ua: string, data?: UaData): string {
  return `${browserName(ua, data)} on ${osName(ua, data)}`;
}

function browserName(ua: string, data?: UaData): string {
  const brands = (data?.brands ?? []).map((b) => b.brand).filter((b) => !/not.?a.?brand/i.test(b));
  const named = brands.find((b) => b !== 'Chromium') ?? brands[0];
  if (named) return named.replace(/^Google /, '').replace(/^Microsoft /, '');
  if (/Edg\//.test(ua)) return 'Edge';
  if (/OPR\//.test(ua)) return 'Opera';
  if (/Firefox\//.test(ua)) return 'Firefox';
  if (/Chromium\//.test(ua)) return 'Chromium';
  if (/Chrome\/|CriOS\//.test(ua)) return 'Chrome';
  if (/Safari\//.test(ua)) return 'Safari';
  return 'Browser';
}

function osName(ua: string, data?: UaData): string {
  const p = data?.platform;
  if (p && p !== 'Unknown') return p === 'macOS' || p === 'Chrome OS' ? p.replace('Chrome OS', 'ChromeOS') : p;
  if (/iPad/.test(ua)) return 'iPadOS';
  if (/iPhone|iPod/.test(ua)) return 'iOS';
  if (/Android/.test(ua)) return 'Android';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Mac OS X|Macintosh/.test(ua)) return 'macOS';
  if (/Windows/.test(ua)) return 'Windows';
  if (/Linux|X11/.test(ua)) return 'Linux';
  return 'an unknown system';
}

export function thisPlatform(): string {
  return platformLabel(navigator.userAgent, (navigator as Navigator & { userAgentData?: UaData }).userAgentData).slice(0, MAX_DEVICE_NAME);
}

/** Reports the label in the background; never throws. */
export function reportDeviceLabel(client: HardlineClient, name: string): void {
  const platform = thisPlatform();
  const label = { name: name.trim().slice(0, MAX_DEVICE_NAME) || platform, platform };
  const attempt = (i: number): void => {
    client.relay().request('PUT', `/v1/devices/${client.deviceId}/label`, label, 'session').catch((e: unknown) => {
      // A name the relay refuses will not pass on a retry either.
      if ((e as { code?: string }).code === 'VALIDATION' || i >= RETRY_DELAYS_MS.length) return;
      setTimeout(() => attempt(i + 1), RETRY_DELAYS_MS[i]);
    });
  };
  attempt(0);
}
