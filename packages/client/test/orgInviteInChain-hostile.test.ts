/**
 * @module orgInviteInChain-hostile.test
 * A relay already taken over when a device enrols can serve it the org's chain cut short, before
 * the policy that names the ingress hop: the device would then never learn of the hop, and the
 * web app would pin whatever the relay announces. The device's own invite was signed into the
 * chain before the relay ever made its code, so a chain that holds the invite holds every order
 * signed before it. The device waits for it (orgPolicy.ts AwaitedEntry): a chain cut before it
 * leaves the device waiting (the web app holds its anonymous actions, session.ts), the whole chain
 * ends the wait.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CHAIN, newOrgKey, orderHash, orgKeyFingerprint, parsePolicy, signOrder, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { awaitingInvite, inviteCodeHash, pinOrgKey, refreshOrg, signedIngress } from '../src/orgPolicy.ts';
import type { RelayApi } from '../src/relayApi.ts';

const CODE = 'K7QXM-2RTAB-CDEFG-HJKLM';
const TEAM_HOP = 'https://hop.team.example/';

/** The org's chain as the console signs it: its key, the hop policy, then this person's invite. */
async function orgChain(key: OrgKeyPair): Promise<SignedOrder[]> {
  const out: SignedOrder[] = [];
  const add = (o: SignedOrder) => out.push(o);
  const prev = () => (out.length === 0 ? EMPTY_CHAIN.hash : orderHash(out.at(-1)!));
  add(signOrder(key, 'org-key', { name: 'Test Org' }, { seq: 1, prev: prev() }));
  add(signOrder(key, 'policy', parsePolicy({ version: 2, groups: [], ingress: TEAM_HOP }), { seq: 2, prev: prev() }));
  add(signOrder(key, 'invite', { codeHash: await inviteCodeHash(CODE), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }, { seq: 3, prev: prev() }));
  return out;
}

function servingOrders(orders: readonly SignedOrder[]): RelayApi {
  const request = async (_method: string, path: string) => ({ orders: orders.filter((o) => o.seq > Number(path.split('/').pop())) });
  return { request } as unknown as RelayApi;
}

describe('a device enrolled with an invite that names the org key', () => {
  it('waits for its invite in the verified chain, and a chain cut before the hop policy does not end the wait', async () => {
    const team = newOrgKey();
    const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { invite: await inviteCodeHash(CODE) });
    expect(awaitingInvite(enrolled)).toBe(true);
    const cut = await refreshOrg(servingOrders((await orgChain(team)).slice(0, 1)), enrolled);
    expect(signedIngress(cut)).toBeUndefined();
    expect(awaitingInvite(cut)).toBe(true);
  });

  it('stops waiting once the chain shows its invite, and then has every policy signed before it', async () => {
    const team = newOrgKey();
    const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { invite: await inviteCodeHash(CODE) });
    const whole = await refreshOrg(servingOrders(await orgChain(team)), enrolled);
    expect(awaitingInvite(whole)).toBe(false);
    expect(signedIngress(whole)).toBe(TEAM_HOP);
  });

  it('matches the invite however the person typed the code (case, spaces, dashes)', async () => {
    expect(await inviteCodeHash(' k7qxm 2rtab-cdefg-hjklm ')).toBe(await inviteCodeHash(CODE));
  });

  it('is not fooled by another person\'s invite, nor by one the relay signed with a key of its own', async () => {
    const team = newOrgKey();
    const enrolled = pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { invite: await inviteCodeHash(CODE) });
    const chain = await orgChain(team);
    const other = signOrder(team, 'invite', { codeHash: await inviteCodeHash('AAAAA-BBBBB-CCCCC-DDDDD'), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }, { seq: 2, prev: orderHash(chain[0]!) });
    expect(awaitingInvite(await refreshOrg(servingOrders([chain[0]!, other]), enrolled))).toBe(true);
    const forged = signOrder(newOrgKey(), 'invite', { codeHash: await inviteCodeHash(CODE), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }, { seq: 2, prev: orderHash(chain[0]!) });
    const refused = await refreshOrg(servingOrders([chain[0]!, { ...forged, orgKey: team.publicKey }]), enrolled);
    expect(refused.refused).toBeDefined();
    expect(awaitingInvite(refused)).toBe(true);
  });

  it('an invite or a link code that names no org key waits for nothing (a linked device naming it: orgLinkedHead-hostile.test.ts)', async () => {
    const team = newOrgKey();
    expect(awaitingInvite(pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), undefined))).toBe(false);
    expect(awaitingInvite(pinOrgKey(team.publicKey, undefined, { invite: await inviteCodeHash(CODE) }))).toBe(false);
    expect(awaitingInvite(pinOrgKey(team.publicKey, undefined, { linkAnswer: true }))).toBe(false);
  });
});
