/**
 * @module sessionRoutes
 * A device signs a challenge to get a session token (in memory, 24 h). Sessions are for the
 * account-side endpoints and the inbox; posting and claiming never need one.
 */
import type { DeviceId } from '@hardline/protocol';
import { verifyEd25519, sessionMessage } from '../enrolment/signature.ts';
import { RelayError } from '../errors/relayError.ts';
import { parseDeviceId } from '../devices/deviceId.ts';
import { requireBase64Url, requireString } from '../http/jsonBody.ts';
import { ok, type Route } from '../http/route.ts';
import { observe } from '../relayContext.ts';

const subject = (deviceId: DeviceId): string => `session:${deviceId}`;

export const sessionRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/session/challenge',
    handle: async (ctx, req) => {
      const deviceId = parseDeviceId((await req.json()).deviceId);
      const device = await ctx.store.getDevice(deviceId);
      if (!device) throw new RelayError('NOT_FOUND', 'no such device');
      if (device.revoked) throw new RelayError('REVOKED', 'device is revoked');
      return ok({ nonce: ctx.challenges.issue(subject(deviceId)) });
    },
  },
  {
    method: 'POST',
    path: '/v1/session',
    handle: async (ctx, req) => {
      const body = await req.json();
      const deviceId = parseDeviceId(body.deviceId);
      const nonce = requireString(body, 'nonce', 64);
      const signature = requireBase64Url(body, 'signature', 64);
      const device = await ctx.store.getDevice(deviceId);
      if (!device) throw new RelayError('NOT_FOUND', 'no such device');
      if (device.revoked) throw new RelayError('REVOKED', 'device is revoked');
      if (!ctx.challenges.consume(nonce, subject(deviceId))) throw new RelayError('FORBIDDEN', 'unknown or expired challenge');
      if (!verifyEd25519(device.publicKey, sessionMessage(nonce, deviceId), signature)) {
        throw new RelayError('FORBIDDEN', 'signature does not verify');
      }
      if (ctx.observer) observe(ctx, { kind: 'auth', conn: req.conn, device: deviceId });
      return ok({ token: ctx.sessions.create(deviceId) });
    },
  },
];
