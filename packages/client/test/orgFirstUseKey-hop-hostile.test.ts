/**
 * @module orgFirstUseKey-hop-hostile.test
 * The signed ingress hop (ingressRoute.ts) from a taken-over relay's side, on a device that pinned
 * no org key at enrolment (its org had none yet, or its invite named none): such a device pins
 * the first org key the chain shows it, on a later refresh (orgPolicy.ts refreshOrg). Whoever
 * holds the relay then installs a key of its own as that first order, signs a policy naming its
 * own hop, and the device would leave the hop its person chose at enrolment (or the page pinned)
 * for the attacker's, silently and for good, with "set by your security team" shown beside it:
 * the very swap the hop pin was there to show. A key the relay showed first proves nothing about
 * who signed the hop, so a hop signed under it is not followed.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CHAIN, newOrgKey, orderHash, orgKeyFingerprint, parsePolicy, signOrder, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { NO_ORG, pinOrgKey, refreshOrg, signedIngress, type OrgState } from '../src/orgPolicy.ts';
import { IngressRoute } from '../src/ingressRoute.ts';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const NOWHERE: Transport = { fetch: () => Promise.reject(new Error('not asked')), openWebSocket: () => ({ close() {} }) as never };

const RELAY = new URL('https://relay.example.org/');
const CHOSEN_HOP = 'https://hop.example.net/';
const ATTACKER_HOP = 'https://hop.relay-operator.example/';

/** A chain that starts with `key`'s org-key order, then a policy naming `ingress`. */
function chain(key: OrgKeyPair, ingress: string | null): SignedOrder[] {
  const first = signOrder(key, 'org-key', { name: 'Test Org' }, { seq: 1, prev: EMPTY_CHAIN.hash });
  const policy = signOrder(key, 'policy', parsePolicy({ version: 2, groups: [], ingress }), { seq: 2, prev: orderHash(first) });
  return [first, policy];
}

/** The relay's answer to `GET /v1/org/orders/after/:seq`, the one call refreshOrg makes. */
function servingOrders(orders: readonly SignedOrder[]): RelayApi {
  const request = async (_method: string, path: string) => ({ orders: orders.filter((o) => o.seq > Number(path.split('/').pop())) });
  return { request } as unknown as RelayApi;
}

function routeFor(state: () => OrgState): IngressRoute {
  return new IngressRoute(new RelayApi(RELAY, NOWHERE), RELAY, NOWHERE, { signed: () => signedIngress(state()), registered: CHOSEN_HOP });
}

describe('a hop signed under an org key the relay showed first, after enrolment', () => {
  it('is not followed: the device keeps the hop its person chose', async () => {
    const attacker = newOrgKey();
    // Enrolled while the org had no key: nothing pinned.
    let org: OrgState = NO_ORG;
    const route = routeFor(() => org);
    expect(route.hop).toBe(CHOSEN_HOP);
    org = await refreshOrg(servingOrders(chain(attacker, ATTACKER_HOP)), org);
    expect(org.key).toBe(attacker.publicKey);
    route.follow();
    expect(signedIngress(org)).toBeUndefined();
    expect(route.hop).toBe(CHOSEN_HOP);
    route.close();
  });

  it('nor is its signed "no hop", which would send every post from the device\'s own address', async () => {
    const org = await refreshOrg(servingOrders(chain(newOrgKey(), null)), NO_ORG);
    const route = routeFor(() => org);
    expect(route.hop).toBe(CHOSEN_HOP);
    route.close();
  });
});

describe('a hop signed under the org key pinned at enrolment', () => {
  it('is followed, whatever the device chose before', async () => {
    const team = newOrgKey();
    let org = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey));
    const route = routeFor(() => org);
    org = await refreshOrg(servingOrders(chain(team, ATTACKER_HOP.replace('relay-operator', 'team'))), org);
    route.follow();
    expect(route.hop).toBe('https://hop.team.example/');
    route.close();
  });
});
