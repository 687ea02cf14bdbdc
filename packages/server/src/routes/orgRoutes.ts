/**
 * @module orgRoutes
 * `GET /v1/org`: the organisation's fixed MLS cipher suite, and the public key that signs its
 * key-transparency log's tree heads (clients pin it on first contact), and the org security key
 * (null until installed; clients pin it from the fingerprint their invite carried), and the
 * ingress hop the web app should send its anonymous actions through (null when none).
 */
import { ok, type Route } from '../http/route.ts';
import { logKeyOf } from '../transparency/logKey.ts';
import { orgKeyOf } from '../org/acceptOrder.ts';

export const orgRoutes: readonly Route[] = [
  { method: 'GET', path: '/v1/org', handle: async (ctx) => ok({ ciphersuite: ctx.suite, logKey: (await logKeyOf(ctx.store)).publicKey, orgKey: (await orgKeyOf(ctx)) ?? null, ingress: ctx.ingress?.href ?? null }) },
];
