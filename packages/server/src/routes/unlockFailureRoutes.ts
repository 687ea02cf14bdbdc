/**
 * @module routes/unlockFailureRoutes
 * POST /v1/org/unlock-failures {count}: a device's wrong app-lock passphrases, for the
 * security team's briefing (org/unlockFailures.ts). Session-authenticated: only an enrolled
 * device reports, and only about itself.
 */
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';
import { parseUnlockReport, recordFailedUnlocks } from '../org/unlockFailures.ts';

export const unlockFailureRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/org/unlock-failures',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      await recordFailedUnlocks(ctx, device.deviceId, parseUnlockReport(await req.json()));
      return ok({});
    },
  },
];
