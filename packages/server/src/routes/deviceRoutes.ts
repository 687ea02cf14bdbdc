/**
 * @module deviceRoutes
 * A device managing its own user: link codes for a new device, certificates, revoking a sibling,
 * and the name and platform a device reports for the security team's list.
 */
import { newEnrolmentCode, codeHash, LINK_TTL_MS } from '../enrolment/enrolmentCode.ts';
import { revokeDevice } from '../devices/revokeDevice.ts';
import { parseDeviceLabel } from '../devices/deviceLabel.ts';
import { requireSiblingDevice } from '../devices/siblingDevice.ts';
import { certificateEntry, encodeLogEntry, parseCertificate, parseRevocation, revocationEntry, ValidationError } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import { requireLinkAllowed } from '../org/linkPolicy.ts';
import { ok, type Route } from '../http/route.ts';

export const deviceRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/devices/link-codes',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      // The relay's half of the policy: holds even for a client that skips its own check.
      await requireLinkAllowed(ctx, device);
      const code = newEnrolmentCode();
      await ctx.store.createCode({ hash: codeHash(code), kind: 'link', userId: device.userId, expiresAt: ctx.now() + LINK_TTL_MS });
      return ok({ code });
    },
  },
  {
    method: 'POST',
    path: '/v1/devices/:id/revoke',
    handle: async (ctx, req) => {
      const target = await requireSiblingDevice(ctx, req);
      const body = await req.json();
      const revocation = body.revocation === undefined ? undefined : parseRevocation(body.revocation);
      if (revocation && (revocation.deviceId !== target.deviceId || revocation.handle !== target.handle)) throw new ValidationError('the revocation names another device');
      await revokeDevice(ctx, target.deviceId, revocation && JSON.stringify(revocation), revocation && encodeLogEntry(revocationEntry(revocation)));
      return ok({ deviceId: target.deviceId, revoked: true });
    },
  },
  {
    // One of the user's devices publishes a certificate for itself or for a device it links.
    // The relay checks only that it is well formed and names that device and key: whether the
    // signature chains to the person's identity key is for their correspondents to decide.
    method: 'PUT',
    path: '/v1/devices/:id/certificate',
    handle: async (ctx, req) => {
      const target = await requireSiblingDevice(ctx, req);
      const cert = parseCertificate((await req.json()).certificate);
      if (cert.deviceId !== target.deviceId || cert.handle !== target.handle || cert.deviceKey !== Buffer.from(target.publicKey).toString('base64url')) {
        throw new ValidationError('the certificate names another device or key');
      }
      // Logged in the same write: a certificate the directory serves is always in the log.
      await ctx.store.setCertificate(target.deviceId, JSON.stringify(cert), encodeLogEntry(certificateEntry(cert)));
      return ok({ deviceId: target.deviceId });
    },
  },
  {
    // A device names itself, or a sibling it links. Kept for the security team's device list
    // only (GET /v1/admin/org/devices); the directory never serves it (docs/protocol.md §7).
    method: 'PUT',
    path: '/v1/devices/:id/label',
    bodyLimit: 1024,
    handle: async (ctx, req) => {
      const target = await requireSiblingDevice(ctx, req);
      if (target.revoked) throw new RelayError('FORBIDDEN', 'the device is revoked');
      const label = parseDeviceLabel(await req.json());
      await ctx.store.org.setDeviceLabel(target.deviceId, label);
      return ok({ deviceId: target.deviceId, ...label });
    },
  },
];
