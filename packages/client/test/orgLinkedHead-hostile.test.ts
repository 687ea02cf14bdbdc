/**
 * @module orgLinkedHead-hostile.test
 * A linked device's wait (orgPolicy.ts AwaitedEntry `head`), from the seat of a relay that serves
 * it the org's chain cut short before the policy naming the hop. The linking device hands over
 * the head of the chain it verified, sealed in the link answer (deviceLinking.ts); until the new
 * device's own verified chain reaches that very entry, no policy's hop counts (signedIngress) and
 * its anonymous actions are held (ingressRoute.ts, web awaitedInvite.ts). The engine-level test
 * with a real relay is heldAnonymous-linkedDevice-hostile.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_CHAIN, newOrgKey, orderHash, orgKeyFingerprint, parsePolicy, signOrder, type ChainHead, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { awaitingInvite, awaitingInviteOf, headToHandOver, NO_ORG, orgStateOf, pinOrgKey, refreshOrg, signedIngress, takeLinkedHead } from '../src/orgPolicy.ts';
import type { RelayApi } from '../src/relayApi.ts';

const TEAM_HOP = 'https://hop.team.example/';

/** The org's chain: its key, a policy with no hop, the policy naming the team's hop, a revocation. */
function orgChain(key: OrgKeyPair): SignedOrder[] {
  const out: SignedOrder[] = [];
  const prev = () => (out.length === 0 ? EMPTY_CHAIN.hash : orderHash(out.at(-1)!));
  out.push(signOrder(key, 'org-key', { name: 'Test Org' }, { seq: 1, prev: prev() }));
  out.push(signOrder(key, 'policy', parsePolicy({ version: 1, groups: [], ingress: null }), { seq: 2, prev: prev() }));
  out.push(signOrder(key, 'policy', parsePolicy({ version: 2, groups: [], ingress: TEAM_HOP }), { seq: 3, prev: prev() }));
  return out;
}

const headOf = (o: SignedOrder): ChainHead => ({ seq: o.seq, hash: orderHash(o) });

function servingOrders(orders: readonly SignedOrder[]): RelayApi {
  const request = async (_method: string, path: string) => ({ orders: orders.filter((o) => o.seq > Number(path.split('/').pop())) });
  return { request } as unknown as RelayApi;
}

const linked = (team: OrgKeyPair) => pinOrgKey(team.publicKey, orgKeyFingerprint(team.publicKey), { linkAnswer: true });

describe('a device linked with a code that names the org key', () => {
  it('waits from enrolment, and a chain cut before the handed-over head does not end the wait', async () => {
    const team = newOrgKey();
    const chain = orgChain(team);
    const enrolled = linked(team);
    expect(awaitingInvite(enrolled)).toBe(true);
    // Cut after the "no hop" policy: before the answer, and after it, that is not the team's word.
    const cut = await refreshOrg(servingOrders(chain.slice(0, 2)), enrolled);
    expect(signedIngress(cut)).toBeUndefined();
    const answered = takeLinkedHead(cut, headOf(chain[2]!));
    expect(awaitingInvite(answered)).toBe(true);
    expect(signedIngress(answered)).toBeUndefined();
    const whole = await refreshOrg(servingOrders(chain), answered);
    expect(awaitingInvite(whole)).toBe(false);
    expect(signedIngress(whole)).toBe(TEAM_HOP);
  });

  it('stops waiting at the answer when its chain is already past the head (the relay cannot sign orders)', async () => {
    const team = newOrgKey();
    const chain = orgChain(team);
    const whole = await refreshOrg(servingOrders(chain), linked(team));
    expect(awaitingInvite(whole)).toBe(true);
    expect(awaitingInvite(takeLinkedHead(whole, headOf(chain[1]!)))).toBe(false);
    expect(awaitingInvite(takeLinkedHead(whole, headOf(chain[2]!)))).toBe(false);
  });

  it('keeps waiting when the entry at the head\'s seq is another one than the linking device verified', async () => {
    const team = newOrgKey();
    const chain = orgChain(team);
    // Another order at seq 3, signed by the team's key (a fork): not what the linking device saw.
    const other = signOrder(team, 'policy', parsePolicy({ version: 2, groups: [], ingress: null }), { seq: 3, prev: orderHash(chain[1]!) });
    const answered = takeLinkedHead(await refreshOrg(servingOrders(chain.slice(0, 2)), linked(team)), headOf(chain[2]!));
    const forked = await refreshOrg(servingOrders([...chain.slice(0, 2), other]), answered);
    expect(forked.head.seq).toBe(3);
    expect(awaitingInvite(forked)).toBe(true);
    expect(signedIngress(forked)).toBeUndefined();
    // And at the answer, a chain standing at that seq with another hash.
    const atOther = await refreshOrg(servingOrders([...chain.slice(0, 2), other]), linked(team));
    expect(awaitingInvite(takeLinkedHead(atOther, headOf(chain[2]!)))).toBe(true);
  });

  it('an answer with no head (a linking device of an older version) leaves nothing to wait for; a code naming no key awaited nothing', () => {
    const team = newOrgKey();
    expect(awaitingInvite(takeLinkedHead(linked(team), undefined))).toBe(false);
    const unnamed = pinOrgKey(team.publicKey, undefined, { linkAnswer: true });
    expect(takeLinkedHead(unnamed, { seq: 9, hash: 'ab'.repeat(32) })).toBe(unnamed);
  });

  it('the linking device hands over its verified head, and none while it waits itself or has no org key', async () => {
    const team = newOrgKey();
    const chain = orgChain(team);
    const verified = await refreshOrg(servingOrders(chain), { ...NO_ORG, key: team.publicKey });
    expect(headToHandOver(verified)).toEqual(headOf(chain[2]!));
    expect(headToHandOver({ ...verified, awaited: { invite: 'ab'.repeat(32) } })).toBeUndefined();
    expect(headToHandOver(NO_ORG)).toBeUndefined();
  });

  it('reads a state saved before the awaited entry was general (awaitInvite) as still waiting', () => {
    const saved = { key: 'k', head: { seq: 1, hash: 'h' }, revoked: [], awaitInvite: 'ab'.repeat(32), policy: { version: 1, defaults: {}, groups: [], ingress: null } };
    expect(orgStateOf(saved).awaited).toEqual({ invite: 'ab'.repeat(32) });
    expect(awaitingInviteOf({ extensions: { org: saved } })).toBe(true);
    expect(signedIngress(orgStateOf(saved))).toBeUndefined();
  });
});
