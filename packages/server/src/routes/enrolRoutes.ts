/**
 * @module enrolRoutes
 * Anonymous enrolment: a one-time code (invite: new user; link: new device of an existing
 * user; an invite naming an existing handle re-enrols that person) plus a signature over a fresh challenge, proving the device holds its Ed25519 key.
 * The signature is checked before the code is touched, so a bad signature never burns a code.
 */
import { randomBytes } from 'node:crypto';
import type { DeviceId, UserId } from '@hardline/protocol';
import { checkDisplayName, encodeLogEntry, identityKeyEntry, isIdentityPublicKey, isUsableEd25519Key, ValidationError } from '@hardline/protocol';
import { codeHash } from '../enrolment/enrolmentCode.ts';
import { parseHandle } from '../enrolment/handle.ts';
import { enrolMessage, verifyEd25519 } from '../enrolment/signature.ts';
import { RelayError } from '../errors/relayError.ts';
import { disconnectRevoked } from '../devices/revokeDevice.ts';
import { optionalString, requireBase64Url, requireString } from '../http/jsonBody.ts';
import { ok, type Route } from '../http/route.ts';
import type { FailureAttempt } from '../limits/failureThrottle.ts';
import { countFailedEnrolment, recordEnrolment } from '../org/enrolmentEvents.ts';

const ENROL_SUBJECT = 'enrol';

export function newId<T extends DeviceId | UserId>(): T {
  return randomBytes(16).toString('hex') as T;
}

export const enrolRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/enrol/challenge',
    handle: async (ctx) => ok({ nonce: ctx.challenges.issue(ENROL_SUBJECT) }),
  },
  {
    method: 'POST',
    path: '/v1/enrol',
    handle: async (ctx, req) => {
      // Before anything else, so a throttled guesser costs the relay no signature check.
      throttled(ctx.enrolThrottle.check(req.source));
      const body = await req.json();
      const code = requireString(body, 'code', 64);
      const handle = parseHandle(body.handle);
      const displayName = optionalString(body, 'displayName', 64) ?? handle;
      checkDisplayName(displayName);
      const publicKeyText = requireString(body, 'signaturePublicKey', 64);
      const publicKey = requireBase64Url(body, 'signaturePublicKey', 32);
      const nonce = requireString(body, 'nonce', 64);
      const signature = requireBase64Url(body, 'signature', 64);
      if (!isUsableEd25519Key(publicKey)) throw new ValidationError('signaturePublicKey is not a usable Ed25519 key');
      // Before the one-time challenge is used up, so the device can try again once there is room.
      await ctx.disk.requireRoom();
      if (!ctx.challenges.consume(nonce, ENROL_SUBJECT)) throw new RelayError('FORBIDDEN', 'unknown or expired challenge');
      if (!verifyEd25519(publicKey, enrolMessage(nonce, code, handle, publicKeyText), signature)) {
        throw new RelayError('FORBIDDEN', 'signature does not verify');
      }
      const identityKey = body.identityKey === undefined ? undefined : body.identityKey;
      if (identityKey !== undefined && !isIdentityPublicKey(identityKey)) throw new ValidationError('identityKey must be 32 bytes, base64url');
      // The code is about to be tested: that costs a token, given back if the code was right.
      const attempt = throttled(ctx.enrolThrottle.take(req.source));
      const result = await ctx.store.enrol({
        codeHash: codeHash(code),
        handle,
        displayName,
        publicKey,
        newUserId: newId<UserId>(),
        newDeviceId: newId<DeviceId>(),
        now: ctx.now(),
        ...(identityKey !== undefined ? { identityKey, identityKeyLeaf: encodeLogEntry(identityKeyEntry(handle, identityKey)) } : {}),
      }).catch((e: unknown) => countFailedEnrolment(ctx, e));
      attempt.refund();
      await recordEnrolment(ctx, result);
      for (const d of result.revokedDevices) disconnectRevoked(ctx, d);
      return ok({ userId: result.userId, deviceId: result.deviceId, handle: result.handle });
    },
  },
];

function throttled(attempt: FailureAttempt): Extract<FailureAttempt, { allowed: true }> {
  if (attempt.allowed) return attempt;
  throw new RelayError('RATE_LIMITED', `too many wrong enrolment codes; retry in ${attempt.retryAfterSeconds} s`, { retryAfterSeconds: attempt.retryAfterSeconds });
}
