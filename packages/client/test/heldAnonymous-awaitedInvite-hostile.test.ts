/**
 * @module heldAnonymous-awaitedInvite-hostile.test
 * The CLI's engine (no hop given for the run, none chosen at enrolment) from the side of a relay
 * already taken over when the device enrols: it serves the org's chain cut short, before the
 * policy that names the team's hop and before the device's own invite. The device then waits
 * for that invite (orgPolicy.ts awaitInvite), and its route is held (ingressRoute.ts): the relay
 * must see no anonymous post, claim, blob call or TURN purchase from the device's address. Once
 * the relay serves the whole chain, the post held in the outbox goes through the signed hop, and
 * still nothing came straight. A hop given for the run, or chosen at enrolment, is the person's
 * own and is not held; nor is a device whose code named no org key (it waits for nothing).
 *
 * Real engines, a real relay (SQLite) and a real ingress hop; the relay withholds by editing its
 * own store (test/support/orgConsole.ts withholdOrders). What reached the relay from the device's
 * address is read off the device's own transport (test/support/addressWatch.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { splitInviteCode, type OrgKeyPair } from '@hardline/protocol';
import type { IngressHopHandle } from '@hardline/server';
import { watched } from '../../../test/support/addressWatch.ts';
import { tempDir } from '../../../test/support/cliHarness.ts';
import { readTexts } from '../../../test/support/clients.ts';
import { orgInvite, withholdOrders } from '../../../test/support/orgConsole.ts';
import { AFTER_ORG_KEY, startOrgWithSignedHop, type OrgWithSignedHop } from '../../../test/support/orgWithSignedHop.ts';
import type { TestRelay } from '../../../test/support/testRelay.ts';

let org: OrgWithSignedHop;
let relay: TestRelay;
let key: OrgKeyPair;
let hop: IngressHopHandle;
let bob: HardlineClient;

beforeAll(async () => {
  org = await startOrgWithSignedHop('held-anonymous', ['bob']);
  ({ relay, key, hop } = org);
  [bob] = org.members as [HardlineClient];
}, 90_000);

afterAll(() => org?.close());

describe('a CLI device enrolled with an invite naming the org key, at a relay that withholds the chain', () => {
  it('holds every anonymous action until the chain shows its invite, then posts the held message through the signed hop', async () => {
    const code = await orgInvite(relay, key, 'alice');
    const cut = withholdOrders(relay, AFTER_ORG_KEY);
    const { transport, seen } = watched(relay.url, hop.url);
    const alice = await HardlineClient.register({ ...nodeClientOptions(tempDir('alice-held')), transport }, { server: relay.url, code, handle: 'alice' });
    org.keep(alice);
    await alice.sync();
    expect(alice.orgPolicy().awaitingInvite).toBe(true);

    // A first message needs claims (her own mailbox, Bob's KeyPackage): held, nothing queued.
    await expect(alice.send('bob', 'first, from alice')).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    // A held claim spends no token: retried while held, it must not use up the day's budget.
    const tokens = alice.relay().claimTokens.size;
    expect(tokens).toBeGreaterThan(0);
    await expect(alice.send('bob', 'first, again')).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    expect(alice.relay().claimTokens.size).toBe(tokens);
    // A TURN purchase and a blob call: held too.
    await expect(alice.relay().turn.take()).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    await expect(alice.relay().getBlob('00'.repeat(16), new Uint8Array(32))).rejects.toMatchObject({ code: 'AWAITING_INVITE' });

    // Bob starts the conversation; Alice's reply is encrypted and queued, not posted.
    await bob.send('alice', 'hello alice');
    expect(await readTexts(alice)).toContain('hello alice');
    await expect(alice.send('bob', 'held reply')).rejects.toMatchObject({ code: 'AWAITING_INVITE', message: expect.stringMatching(/stay queued/) });
    expect(alice.pendingOutbox()).toBeGreaterThan(0);
    await alice.sync();
    expect(seen.direct).toEqual([]);
    expect(seen.viaHop).toEqual([]);

    // The relay serves the whole chain: the next refresh sees the invite and the hop before it.
    cut.restore();
    await alice.sync();
    expect(alice.orgPolicy().awaitingInvite).toBe(false);
    expect(alice.orgPolicy().ingress).toBe(new URL(hop.url).toString());
    await alice.flushOutbox();
    expect(alice.pendingOutbox()).toBe(0);
    expect(await readTexts(bob)).toContain('held reply');
    expect(seen.viaHop.length).toBeGreaterThan(0);
    expect(seen.direct).toEqual([]);
  }, 120_000);

  for (const how of ['given for the run (--ingress, $HARDLINE_INGRESS)', 'chosen at enrolment (register --ingress)'] as const) {
    it(`is not held with a hop ${how}: it goes through that hop`, async () => {
      const handle = how.startsWith('given') ? 'carol' : 'dave';
      const code = await orgInvite(relay, key, handle);
      const cut = withholdOrders(relay, AFTER_ORG_KEY);
      try {
        const { transport, seen } = watched(relay.url, hop.url);
        const given = how.startsWith('given') ? { ingress: hop.url } : {};
        const chosen = how.startsWith('given') ? {} : { ingress: hop.url };
        const c = await HardlineClient.register({ ...nodeClientOptions(tempDir(`${handle}-hop`)), ...given, transport }, { server: relay.url, code, handle, ...chosen });
        org.keep(c);
        expect(c.orgPolicy().awaitingInvite).toBe(true);
        await c.send('bob', `from ${handle}`);
        expect(await readTexts(bob)).toContain(`from ${handle}`);
        expect(seen.viaHop.length).toBeGreaterThan(0);
        expect(seen.direct).toEqual([]);
      } finally {
        cut.restore();
      }
    }, 120_000);
  }

  it('a device enrolled by a code that names no org key waits for nothing, and is not held', async () => {
    // The team's own invite, typed without the fingerprints: it names no org key.
    const code = splitInviteCode(await orgInvite(relay, key, 'erin')).code;
    const cut = withholdOrders(relay, AFTER_ORG_KEY);
    try {
      const { transport, seen } = watched(relay.url, hop.url);
      const erin = await HardlineClient.register({ ...nodeClientOptions(tempDir('erin-no-key')), transport }, { server: relay.url, code, handle: 'erin' });
      org.keep(erin);
      await erin.sync();
      expect(erin.orgPolicy().awaitingInvite).toBe(false);
      await erin.send('bob', 'from erin');
      expect(await readTexts(bob)).toContain('from erin');
      // Trust on first use, as documented: the cut chain names no hop, so it posts straight.
      expect(seen.direct.length).toBeGreaterThan(0);
    } finally {
      cut.restore();
    }
  }, 120_000);
});
