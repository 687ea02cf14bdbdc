/**
 * @module pushSubscription
 * A browser's Web Push subscription (RFC 8030 endpoint, RFC 8291 keys) as the relay accepts it.
 * The endpoint is a URL the relay will POST to, so it is checked like any outbound target: only
 * https, and only hosts of a known push service (or those the operator lists), so that a client
 * cannot aim the relay at the organisation's internal network.
 */
import { DecodeError, ValidationError } from '@hardline/protocol';

export type PushSubscription = {
  readonly endpoint: string;
  /** Uncompressed P-256 point, 65 bytes, base64url. */
  readonly p256dh: string;
  /** 16 bytes, base64url. */
  readonly auth: string;
};

export const MAX_ENDPOINT = 1024;

/** The push services of Chrome/Android, Firefox, Safari/iOS and Edge. */
export const VENDOR_PUSH_HOSTS = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'push.apple.com', 'notify.windows.com'] as const;

export type EndpointPolicy = {
  /** Host names (exact, or a parent domain) the relay may POST wake-ups to. */
  readonly hosts: readonly string[];
  /** Plain http, for a push-service stand-in on loopback in tests only. */
  readonly allowHttp: boolean;
};

export const VENDOR_ENDPOINTS: EndpointPolicy = { hosts: VENDOR_PUSH_HOSTS, allowHttp: false };

function base64UrlBytes(v: unknown, what: string, bytes: number): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(v) || Buffer.from(v, 'base64url').length !== bytes) {
    throw new DecodeError(`${what} must be ${bytes} bytes as base64url`);
  }
  return v.replace(/=+$/, '');
}

export function parsePushSubscription(v: unknown, policy: EndpointPolicy): PushSubscription {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError('subscription must be an object');
  const o = v as Record<string, unknown>;
  const keys = o.keys;
  if (typeof keys !== 'object' || keys === null) throw new DecodeError('subscription.keys must be an object');
  const k = keys as Record<string, unknown>;
  if (typeof o.endpoint !== 'string' || o.endpoint.length > MAX_ENDPOINT) throw new DecodeError(`subscription.endpoint must be a URL of at most ${MAX_ENDPOINT} characters`);
  let url: URL;
  try {
    url = new URL(o.endpoint);
  } catch (e) {
    throw new DecodeError('subscription.endpoint is not a URL', { cause: e });
  }
  if (!(url.protocol === 'https:' || (policy.allowHttp && url.protocol === 'http:')) || url.username !== '' || url.password !== '') {
    throw new ValidationError('subscription.endpoint must be an https URL');
  }
  const host = url.hostname.toLowerCase();
  if (!policy.hosts.some((h) => host === h || host.endsWith(`.${h}`))) throw new ValidationError('subscription.endpoint is not a push service this relay sends to');
  const p256dh = base64UrlBytes(k.p256dh, 'subscription.keys.p256dh', 65);
  if (Buffer.from(p256dh, 'base64url')[0] !== 0x04) throw new DecodeError('subscription.keys.p256dh must be an uncompressed P-256 point');
  return { endpoint: url.href, p256dh, auth: base64UrlBytes(k.auth, 'subscription.keys.auth', 16) };
}
