/**
 * @module orgRoutes
 * `GET /v1/org`: the organisation's fixed MLS cipher suite, and the public key that signs its
 * key-transparency log's tree heads (clients pin it on first contact).
 */
import { ok, type Route } from '../http/route.ts';
import { logKeyOf } from '../transparency/logKey.ts';

export const orgRoutes: readonly Route[] = [
  { method: 'GET', path: '/v1/org', handle: async (ctx) => ok({ ciphersuite: ctx.suite, logKey: (await logKeyOf(ctx.store)).publicKey }) },
];
