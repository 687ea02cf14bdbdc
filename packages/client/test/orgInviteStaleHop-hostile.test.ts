/**
 * @module orgInviteStaleHop-hostile.test
 * While a device waits for its own invite in the verified chain (orgPolicy.ts awaitInvite), the
 * chain it holds may be one the relay cut short on purpose: the team's first policy said "no
 * hop" (or named a hop it later gave up), a later one names the hop the team uses now, and the
 * relay serves the chain only up to the first. A hop read from such a chain is not the team's
 * word: it is not followed (signedIngress, hence the engine's route, the page's held hop and the
 * service worker) until the invite shows that nothing before it was withheld.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CHAIN, newOrgKey, orderHash, orgKeyFingerprint, parsePolicy, signOrder, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { IngressRoute } from '../src/ingressRoute.ts';
import { awaitingInvite, inviteCodeHash, ORG_EXTENSION, pinOrgKey, refreshOrg, signedIngress, signedIngressOf, type OrgState } from '../src/orgPolicy.ts';
import { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const CODE = 'K7QXM-2RTAB-CDEFG-HJKLM';
const OLD_HOP = 'https://old-hop.team.example/';
const TEAM_HOP = 'https://hop.team.example/';
/** The hop a CLI's person chose at enrolment (`hardline register --ingress`). */
const CHOSEN_HOP = 'https://hop.chosen.example/';
const RELAY = new URL('https://relay.example.org/');
const NOWHERE: Transport = { fetch: () => Promise.reject(new Error('not asked')), openWebSocket: () => ({ close() {} }) as never };

/** The engine's route, wired as engineParts.ts wires it. */
function routeFor(state: OrgState, registered?: string): IngressRoute {
  return new IngressRoute(new RelayApi(RELAY, NOWHERE), RELAY, NOWHERE, { signed: () => signedIngress(state), registered, awaitingInvite: () => awaitingInvite(state) });
}

/** Key, a first policy (`first`: "no hop" or a hop since given up), the hop in use now, then the invite. */
async function orgChain(key: OrgKeyPair, first: string | null): Promise<SignedOrder[]> {
  const out: SignedOrder[] = [];
  const prev = () => (out.length === 0 ? EMPTY_CHAIN.hash : orderHash(out.at(-1)!));
  out.push(signOrder(key, 'org-key', { name: 'Test Org' }, { seq: 1, prev: prev() }));
  out.push(signOrder(key, 'policy', parsePolicy({ version: 2, groups: [], ingress: first }), { seq: 2, prev: prev() }));
  out.push(signOrder(key, 'policy', parsePolicy({ version: 3, groups: [], ingress: TEAM_HOP }), { seq: 3, prev: prev() }));
  out.push(signOrder(key, 'invite', { codeHash: await inviteCodeHash(CODE), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }, { seq: 4, prev: prev() }));
  return out;
}

function servingOrders(orders: readonly SignedOrder[]): RelayApi {
  const request = async (_method: string, path: string) => ({ orders: orders.filter((o) => o.seq > Number(path.split('/').pop())) });
  return { request } as unknown as RelayApi;
}

describe('a chain cut after an old hop policy, while the device waits for its invite', () => {
  for (const first of [null, OLD_HOP]) {
    it(`does not follow the old policy's ${first === null ? '"no hop" (straight to the relay)' : 'hop'}`, async () => {
      const team = newOrgKey();
      const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { invite: await inviteCodeHash(CODE) });
      const chain = await orgChain(team, first);
      const cut = await refreshOrg(servingOrders(chain.slice(0, 2)), enrolled);
      expect(cut.policy?.ingress).toBe(first);
      expect(signedIngress(cut)).toBeUndefined();
      // As the page's start and the service worker read it from the saved state.
      expect(signedIngressOf({ extensions: { [ORG_EXTENSION]: cut } })).toBeUndefined();
      // The whole chain, invite included: the hop the team uses now.
      expect(signedIngress(await refreshOrg(servingOrders(chain), cut))).toBe(TEAM_HOP);
    });
  }

  it('a CLI keeps the hop its person chose over the cut chain\'s "no hop"', async () => {
    const team = newOrgKey();
    const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { invite: await inviteCodeHash(CODE) });
    const cut = await refreshOrg(servingOrders((await orgChain(team, null)).slice(0, 2)), enrolled);
    expect(routeFor(cut, CHOSEN_HOP).hop).toBe(CHOSEN_HOP);
  });

  it('a CLI that chose no hop holds its anonymous actions: neither the old signed hop nor straight to the relay', async () => {
    const team = newOrgKey();
    const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { invite: await inviteCodeHash(CODE) });
    for (const first of [OLD_HOP, null]) {
      const cut = await refreshOrg(servingOrders((await orgChain(team, first)).slice(0, 2)), enrolled);
      const route = routeFor(cut);
      expect(route.hop).toBeUndefined();
      expect(route.held).toBe(true);
      route.close();
      expect(routeFor(cut, CHOSEN_HOP).hop).toBe(CHOSEN_HOP);
      expect(routeFor(cut, CHOSEN_HOP).held).toBe(false);
    }
  });

  it('a device that waits for no invite follows the signed hop as before', async () => {
    const team = newOrgKey();
    const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), undefined);
    const cut = await refreshOrg(servingOrders((await orgChain(team, OLD_HOP)).slice(0, 2)), enrolled);
    expect(signedIngress(cut)).toBe(OLD_HOP);
  });
});
