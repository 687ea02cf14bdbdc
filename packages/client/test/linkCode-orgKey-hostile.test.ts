/**
 * @module linkCode-orgKey-hostile.test
 * A device added with a link code, from the seat of a relay taken over before it links. An
 * invite names the org key's fingerprint, so a new device refuses a relay that shows it another
 * key; a link code named none, so the new device pinned whatever org key the relay showed it.
 * With the ingress hop in the signed policy (ingressRoute.ts), that hands the relay the new
 * device's hop: it shows its own key, signs a policy naming its own hop, and the device follows
 * it as the security team's, with no change shown. The linking device holds the team's key: its
 * link code names the fingerprint, as an invite does, and the relay's other key is refused
 * before the code is spent.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUITE, HardlineError, newOrgKey, orgKeyFingerprint, splitInviteCode, type OrgKeyPair } from '@hardline/protocol';
import { enrolDevice } from '../src/deviceEnrolment.ts';
import type { DeviceState, StateStore } from '../src/deviceState.ts';
import { NO_ORG, type OrgState } from '../src/orgPolicy.ts';
import { OwnDevices } from '../src/ownDevices.ts';
import type { RelayApi } from '../src/relayApi.ts';
import type { Transport } from '../src/transport.ts';

const RELAY = 'https://relay.example.org/';

/** A certified device's link code, made while its pinned org state is `org`. */
async function linkCodeFrom(org: OrgState): Promise<string> {
  const state = { handle: 'alice', identity: { publicKey: 'x' } } as unknown as DeviceState;
  const api = { createLinkCode: async () => ({ code: 'ABCDE-FGHIJ-KLMNO-PQRST' }) } as unknown as RelayApi;
  const devices = new OwnDevices({ state, api, orgState: () => org, conversations: () => [], refreshDirectory: async () => [], sync: async () => [], reconcile: async () => undefined, save: async () => undefined });
  return devices.createLinkCode();
}

/** The relay as the new device meets it: it shows `orgKey`, and records whether the code was spent. */
function relayShowing(orgKey: OrgKeyPair) {
  const spent: string[] = [];
  const transport: Transport = {
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === '/v1/org') return Response.json({ ciphersuite: DEFAULT_SUITE, orgKey: orgKey.publicKey });
      spent.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      return Response.json({ error: { code: 'UNAVAILABLE', message: 'stand-in' } }, { status: 503 });
    },
    openWebSocket: () => {
      throw new Error('no WebSocket here');
    },
  };
  return { transport, spent };
}

const emptyStore: StateStore = { load: async () => undefined, save: async () => undefined } as unknown as StateStore;

describe('a link code from a device that pinned the team\'s org key', () => {
  it('names the key\'s fingerprint, as an invite does', async () => {
    const team = newOrgKey();
    const code = await linkCodeFrom({ ...NO_ORG, key: team.publicKey });
    expect(splitInviteCode(code).orgFingerprint).toBe(orgKeyFingerprint(team.publicKey));
  });

  it('makes the new device refuse a relay that shows it another org key, before the code is spent', async () => {
    const code = await linkCodeFrom({ ...NO_ORG, key: newOrgKey().publicKey });
    const relay = relayShowing(newOrgKey());
    const err = await enrolDevice({ store: emptyStore, transport: relay.transport }, { server: RELAY, code, handle: 'alice' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HardlineError);
    expect((err as HardlineError).code).toBe('CRYPTO');
    expect(relay.spent).toEqual([]);
  });

  it('a device with no org key pinned makes a plain link code', async () => {
    const code = await linkCodeFrom(NO_ORG);
    expect(code).not.toContain('~');
  });
});
