/**
 * @module profileRoutes
 * `PUT /v1/profile`: what a user shows in the org directory. The phone and email are published
 * only when the user chooses to, so that colleagues who hold them can find them; every device
 * then matches its contact book against the whole directory locally, and the relay never learns
 * who looked for whom.
 */
import { checkDisplayName, ValidationError } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import type { JsonObject } from '../http/jsonBody.ts';
import { ok, type Route } from '../http/route.ts';
import type { ProfileUpdate } from '../store/relayStore.ts';

/** E.164: '+', a non-zero digit, at most 15 digits in all. The client normalises before sending. */
const PHONE_RE = /^\+[1-9][0-9]{5,14}$/;
const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

/** `null` or "" clears; a value must be well formed. */
function clearable(o: JsonObject, key: 'phone' | 'email', re: RegExp, normalise: (s: string) => string): string | null | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  if (typeof v !== 'string' || v.length > 254 || !re.test(normalise(v))) {
    throw new ValidationError(key === 'phone' ? 'phone must be in international form, e.g. +31612345678' : 'email is not an email address');
  }
  return normalise(v);
}

export const profileRoutes: readonly Route[] = [
  {
    method: 'PUT',
    path: '/v1/profile',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const body = await req.json();
      let displayName: string | undefined;
      if (body.displayName !== undefined) {
        if (typeof body.displayName !== 'string') throw new ValidationError('displayName must be a string');
        displayName = checkDisplayName(body.displayName);
      }
      const update: ProfileUpdate = {
        ...(displayName !== undefined ? { displayName } : {}),
        ...(body.phone !== undefined ? { phone: clearable(body, 'phone', PHONE_RE, (s) => s) } : {}),
        ...(body.email !== undefined ? { email: clearable(body, 'email', EMAIL_RE, (s) => s.trim().toLowerCase()) } : {}),
      };
      if (!(await ctx.store.updateProfile(device.userId, update))) throw new RelayError('NOT_FOUND', 'no such user');
      const me = (await ctx.store.listDirectory()).find((u) => u.userId === device.userId);
      return ok({ handle: device.handle, displayName: me?.displayName, phone: me?.phone ?? null, email: me?.email ?? null });
    },
  },
];
