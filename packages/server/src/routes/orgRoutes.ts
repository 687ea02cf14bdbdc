/**
 * @module orgRoutes
 * `GET /v1/org`: the organisation's fixed MLS cipher suite.
 */
import { ok, type Route } from '../http/route.ts';

export const orgRoutes: readonly Route[] = [
  { method: 'GET', path: '/v1/org', handle: async (ctx) => ok({ ciphersuite: ctx.suite }) },
];
