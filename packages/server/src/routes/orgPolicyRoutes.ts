/**
 * @module orgPolicyRoutes
 * The security team's signed orders and what grows from them (docs/protocol.md §10):
 * - POST /v1/org/key: installs the org key (its self-signed first order). A relay operation, so
 *   it takes the admin bearer token, and only once: after that the token signs nothing.
 * - POST /v1/org/orders: any later order. No token: the org key's signature is the authority.
 * - GET /v1/org/head: the chain's last seq and hash, and the policy version.
 * - GET /v1/org/orders/after/:seq, GET /v1/policy: what devices verify against their pinned key.
 * - GET /v1/org/revocations/:deviceId (anonymous): the org's revocation of that device, so a
 *   revoked device can check a wipe order.
 * - POST /v1/org/applied: a device reports the policy version it applied (and is seen today).
 * - GET /v1/admin/org/orders/after/:seq, /v1/admin/org/devices, /v1/admin/briefing: reads for the
 *   console, behind the admin token (they reveal nothing the relay does not already hold).
 */
import { ValidationError } from '@hardline/protocol';
import { parseDeviceId } from '../devices/deviceId.ts';
import { requireAdmin, requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';
import { acceptOrder } from '../org/acceptOrder.ts';
import { adminDevices, briefing } from '../org/briefing.ts';
import { currentPolicy } from '../org/linkPolicy.ts';
import { dayNumber } from '../store/day.ts';
import type { RelayContext } from '../relayContext.ts';

const MAX_ORDERS_PER_PAGE = 256;
const ORDER_BODY_LIMIT = 80 * 1024;

function seqParam(v: string | undefined): number {
  const n = Number(v);
  if (!/^\d{1,15}$/.test(v ?? '') || !Number.isSafeInteger(n)) throw new ValidationError('seq must be a whole number');
  return n;
}

function dayCount(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > 365) throw new ValidationError('days must be 1-365');
  return n;
}

async function page(ctx: RelayContext, after: number) {
  return { head: await ctx.store.org.head(), orders: await ctx.store.org.orders(after, MAX_ORDERS_PER_PAGE) };
}

export const orgPolicyRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/org/key',
    bodyLimit: ORDER_BODY_LIMIT,
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      const order = await acceptOrder(ctx, (await req.json()).order, { installing: true });
      return ok({ seq: order.seq, orgKey: order.orgKey });
    },
  },
  {
    method: 'POST',
    path: '/v1/org/orders',
    bodyLimit: ORDER_BODY_LIMIT,
    handle: async (ctx, req) => {
      const order = await acceptOrder(ctx, (await req.json()).order, { installing: false });
      return ok({ seq: order.seq });
    },
  },
  {
    // Public: a console needs the head to sign the next order, and it says no more than how
    // many orders there were and the policy version, which every device learns anyway.
    method: 'GET',
    path: '/v1/org/head',
    handle: async (ctx) => ok({ ...(await ctx.store.org.head()), policyVersion: (await currentPolicy(ctx))?.version ?? 0 }),
  },
  {
    method: 'GET',
    path: '/v1/org/orders/after/:seq',
    handle: async (ctx, req) => {
      await requireDevice(ctx, req.headers, req.conn);
      return ok(await page(ctx, seqParam(req.params.seq)));
    },
  },
  {
    // Anonymous on purpose: a revoked device has no session any more, and it needs the order to
    // know whether it must wipe itself. It says only that the org revoked that device id.
    method: 'GET',
    path: '/v1/org/revocations/:deviceId',
    handle: async (ctx, req) => ok({ order: (await ctx.store.org.revocationOf(parseDeviceId(req.params.deviceId))) ?? null }),
  },
  {
    method: 'GET',
    path: '/v1/policy',
    handle: async (ctx, req) => {
      await requireDevice(ctx, req.headers, req.conn);
      return ok({ order: (await ctx.store.org.latest('policy')) ?? null });
    },
  },
  {
    method: 'POST',
    path: '/v1/org/applied',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const v = (await req.json()).policyVersion;
      if (!Number.isSafeInteger(v) || (v as number) < 0) throw new ValidationError('policyVersion must be a whole number');
      await ctx.store.org.deviceSeen(device.deviceId, dayNumber(ctx.now()), v as number);
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/v1/admin/org/orders/after/:seq',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      return ok(await page(ctx, seqParam(req.params.seq)));
    },
  },
  {
    method: 'GET',
    path: '/v1/admin/org/devices',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      return ok({ devices: await adminDevices(ctx) });
    },
  },
  {
    method: 'GET',
    path: '/v1/admin/briefing/:notSeenDays',
    handle: async (ctx, req) => {
      await requireAdmin(ctx, req.headers);
      return ok(await briefing(ctx, { periodDays: 1, notSeenDays: dayCount(req.params.notSeenDays, 7) }));
    },
  },
];
