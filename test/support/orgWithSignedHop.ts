/**
 * @module test/support/orgWithSignedHop
 * The set-up of the held-route attacks (ingressRoute.ts): a real relay (SQLite) with an org key,
 * a real ingress hop, and the team's policy naming that hop, signed before any invite, so that a
 * chain holding an invite always holds the hop too. Members are enrolled with org invites and
 * have verified the whole chain. A test then plays the relay by cutting the chain at
 * `AFTER_ORG_KEY` (orgConsole.ts withholdOrders) for the device it enrols next.
 */
import type { HardlineClient } from '@hardline/client';
import { parsePolicy, type OrgKeyPair } from '@hardline/protocol';
import { startIngressHop, type IngressHopHandle } from '@hardline/server';
import { enrolInOrg, installOrgKey, postOrder } from './orgConsole.ts';
import { startTestRelay, type TestRelay } from './testRelay.ts';

/** Seq of the order after the org's key: withheld from here, a device sees the key alone. */
export const AFTER_ORG_KEY = 2;

export type OrgWithSignedHop = {
  readonly relay: TestRelay;
  readonly key: OrgKeyPair;
  readonly hop: IngressHopHandle;
  /** The enrolled members, in the order asked for. */
  readonly members: readonly HardlineClient[];
  /** Closes every client given here (members included), then the hop and the relay. */
  close(): Promise<void>;
  /** A client the test opened itself, closed with the rest. */
  keep(client: HardlineClient): HardlineClient;
};

export async function startOrgWithSignedHop(name: string, handles: readonly string[]): Promise<OrgWithSignedHop> {
  const relay = await startTestRelay(name);
  const key = await installOrgKey(relay);
  const hop = await startIngressHop({ target: relay.url, port: 0 });
  await postOrder(relay, key, 'policy', parsePolicy({ version: 2, groups: [], ingress: hop.url }));
  const members: HardlineClient[] = [];
  for (const h of handles) members.push(await enrolInOrg(relay, key, h));
  for (const m of members) await m.sync();
  const open = [...members];
  return {
    relay,
    key,
    hop,
    members,
    keep: (client) => (open.push(client), client),
    close: async () => {
      for (const c of open) c.close();
      await hop.close();
      await relay.close();
    },
  };
}
