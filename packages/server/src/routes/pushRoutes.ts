/**
 * @module pushRoutes
 * `GET /v1/push` and `PUT /v1/push/:mailboxId`: a mailbox's Web Push wake-up target.
 *
 * Registering needs the mailbox's read capability (only its device has it) and no session, so
 * the relay learns the subscription only as "wake whoever reads this mailbox", never as an
 * account's or a device's. The body also carries the mailbox's send capability, which the
 * target is sealed under at rest (pushTargetSeal.ts) and which the relay then forgets.
 * `PUT /v1/push/keypackages` (device session) sets the target of the device's KeyPackage
 * mailboxes, which do not exist until a stranger claims one (push/keyPackageWakeTargets.ts).
 * Both take the privacy level the device declares (push/wakePolicy.ts).
 */
import { ValidationError } from '@hardline/protocol';
import { capabilityMatches, parseBytes32, parseMailboxId } from '../capabilityBytes.ts';
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import { capabilityFrom } from '../http/capabilityAuth.ts';
import { ok, type Route } from '../http/route.ts';
import { parsePushSubscription } from '../push/pushSubscription.ts';
import { sealPushTarget } from '../push/pushTargetSeal.ts';
import { parseWakeLevel } from '../push/wakePolicy.ts';
import { deviceOwner, mailboxOwner } from '../push/wakeUps.ts';

export const pushRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/push',
    handle: async (ctx) => ok(ctx.push ? { enabled: true, vapidPublicKey: ctx.push.targets.vapid.publicKey } : { enabled: false }),
  },
  {
    // Before `:mailboxId`: the first route that matches answers.
    method: 'PUT',
    path: '/v1/push/keypackages',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const body = await req.json();
      if (!ctx.push) throw new RelayError('FORBIDDEN', 'this organisation has turned push wake-ups off');
      if (body.subscription === undefined) throw new ValidationError('subscription must be a push subscription, or null to remove it');
      const level = parseWakeLevel(body.level);
      const sub = body.subscription === null ? null : parsePushSubscription(body.subscription, ctx.push.endpoints);
      ctx.push.keyPackageTargets.set(device.deviceId, sub && { ...sub, level });
      if (sub) ctx.push.wakeUps.known({ ...sub, level }, deviceOwner(device.deviceId));
      else ctx.push.wakeUps.released(deviceOwner(device.deviceId));
      return ok({ wakeUps: sub !== null });
    },
  },
  {
    method: 'PUT',
    path: '/v1/push/:mailboxId',
    handle: async (ctx, req) => {
      const mailboxId = parseMailboxId(req.params.mailboxId);
      const readCap = capabilityFrom(req.headers);
      const body = await req.json();
      const sendCap = parseBytes32(body.sendCap, 'sendCap');
      if (!ctx.push) throw new RelayError('FORBIDDEN', 'this organisation has turned push wake-ups off');
      if (body.subscription === undefined) throw new ValidationError('subscription must be a push subscription, or null to remove it');
      const level = parseWakeLevel(body.level);
      const sub = body.subscription === null ? null : parsePushSubscription(body.subscription, ctx.push.endpoints);
      const mailbox = await ctx.store.getMailbox(mailboxId);
      if (!mailbox) throw new RelayError('NO_MAILBOX', 'no such mailbox');
      if (!capabilityMatches(readCap, mailbox.readCapHash)) throw new RelayError('BAD_CAPABILITY', 'read capability does not match');
      if (!capabilityMatches(sendCap, mailbox.sendCapHash)) throw new RelayError('BAD_CAPABILITY', 'send capability does not match');
      if (sub) ctx.push.targets.put(mailboxId, sealPushTarget(sendCap, mailboxId, { ...sub, level }));
      // Owned by the mailbox: registering it again with another endpoint leaves the old one's cover.
      if (sub) ctx.push.wakeUps.known({ ...sub, level }, mailboxOwner(mailboxId));
      else {
        ctx.push.targets.delete(mailboxId);
        ctx.push.wakeUps.released(mailboxOwner(mailboxId));
      }
      return ok({ mailboxId, wakeUps: sub !== null });
    },
  },
];
