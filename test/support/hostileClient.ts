/**
 * @module test/support/hostileClient
 * A member whose client is modified: it commits a roster of its own choosing (any kind, any
 * member list) to the devices already in the conversation. The MLS commit is genuine; only the
 * roster inside the bundle lies. Built from the engine's own (private) steps, so that the test
 * exercises exactly what an honest receiver does with such a bundle.
 */
import type { Conversation, HardlineClient } from '@hardline/client';
import { commitChanges, encodeBundle, PayloadKind, type Roster } from '@hardline/protocol';

type Internals = {
  impl: Parameters<typeof commitChanges>[2];
  mls(c: Conversation): Parameters<typeof commitChanges>[0];
  setMls(c: Conversation, s: Parameters<typeof commitChanges>[0]): void;
  rosterBox(mls: Parameters<typeof commitChanges>[0], roster: Roster): Promise<Uint8Array>;
  fanOut(c: Conversation, kind: PayloadKind, body: Uint8Array, roster?: Roster): Promise<void>;
  save(): Promise<void>;
};

export async function commitForgedRoster(client: HardlineClient, conv: Conversation, roster: Roster): Promise<void> {
  const c = client as unknown as Internals;
  const out = await commitChanges(c.mls(conv), {}, c.impl);
  const bundle = encodeBundle({ mls: out.commit, rosterBox: await c.rosterBox(out.newState, roster) });
  await c.fanOut(conv, PayloadKind.COMMIT_BUNDLE, bundle, conv.roster);
  conv.roster = roster;
  c.setMls(conv, out.newState);
  await c.save();
  await client.flushOutbox();
}

/**
 * A modified client whose outgoing text names `logKey` as the log key of its gossiped tree head
 * (appMessage `lk`), whatever key signed the head: a member trying to raise a false split view.
 */
export function gossipUnderLogKey(client: HardlineClient, logKey: string): void {
  const kt = (client as unknown as { kt: { gossip(): object } }).kt;
  const honest = kt.gossip.bind(kt);
  kt.gossip = () => ({ ...honest(), lk: logKey });
}
