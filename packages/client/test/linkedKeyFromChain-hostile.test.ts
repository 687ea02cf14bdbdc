/**
 * @module linkedKeyFromChain-hostile.test
 * A device linked from one whose org key came from the chain after its enrolment (orgPolicy.ts
 * `keyFromChain`: the org had no key when it enrolled, so whoever held the relay at that refresh
 * may have installed its own), from the seat of a relay that did just that: it installed a key of
 * its own and signed under it a policy naming a hop it runs. The linking device does not follow
 * that hop (signedIngress): it keeps the hop its person chose. But its link code names that key
 * as an invite names the org's, and the linked device pinned it as the team's: once its chain
 * reached the handed-over head it followed the relay's hop over the one its person chose at
 * `register --ingress`, and its first claims, TURN purchases and posts went through the relay's
 * hop, which has the device's address.
 *
 * Now the sealed link answer says the key came from the chain (deviceLinking.ts), and the linked
 * device takes it so (orgPolicy.ts takeLinkedHead): it trusts the key no more than its linking
 * device does. Real engines, a real relay (SQLite) and two real hops: the person's and the relay's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { parsePolicy } from '@hardline/protocol';
import { startIngressHop, type IngressHopHandle } from '@hardline/server';
import { watched } from '../../../test/support/addressWatch.ts';
import { tempDir } from '../../../test/support/cliHarness.ts';
import { enrol } from '../../../test/support/clients.ts';
import { installOrgKey, postOrder } from '../../../test/support/orgConsole.ts';
import { startTestRelay, type TestRelay } from '../../../test/support/testRelay.ts';

let relay: TestRelay;
let ownHop: IngressHopHandle;
let relayHop: IngressHopHandle;
let bob: HardlineClient;
const open: HardlineClient[] = [];

beforeAll(async () => {
  relay = await startTestRelay('linked-key-from-chain');
  ownHop = await startIngressHop({ target: relay.url, port: 0 });
  relayHop = await startIngressHop({ target: relay.url, port: 0 });
  // Bob enrolled while the org had no key.
  bob = await enrol(relay.url, relay.adminToken!, 'bob', { client: { ingress: ownHop.url } });
  open.push(bob);
  // Taken over: the relay installs a key of its own and signs its own hop under it.
  const own = await installOrgKey(relay);
  await postOrder(relay, own, 'policy', parsePolicy({ version: 2, groups: [], ingress: relayHop.url }));
  await bob.sync();
}, 90_000);

afterAll(async () => {
  for (const c of open) c.close();
  await ownHop?.close();
  await relayHop?.close();
  await relay?.close();
});

describe("a device linked from one whose org key came from the relay's chain", () => {
  it('keeps the hop its person chose, as its linking device does, not the hop signed under that key', async () => {
    // The linking device: the key is pinned, its hop not followed.
    expect(bob.orgPolicy().orgKey).toBeDefined();
    expect(bob.orgPolicy().ingress).toBeUndefined();

    const code = await bob.createLinkCode();
    const { transport, seen } = watched(relay.url, relayHop.url);
    const laptop = await HardlineClient.register({ ...nodeClientOptions(tempDir('bob-laptop-from-chain')), transport }, { server: relay.url, code, handle: 'bob', ingress: ownHop.url });
    open.push(laptop);
    await bob.sync();
    await laptop.sync();
    await laptop.sync();
    expect(laptop.orgPolicy().awaitingInvite).toBe(false);
    expect(laptop.orgPolicy().ingress).toBeUndefined();

    await laptop.relay().turn.take().catch(() => undefined);
    await laptop.relay().getBlob('00'.repeat(16), new Uint8Array(32)).catch(() => undefined);
    expect(seen.viaHop).toEqual([]);
  }, 120_000);
});
