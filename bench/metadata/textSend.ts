/**
 * @module textSend
 * A simulated message as the real client sends it: a group's first message creates the group
 * (real MLS, real claims), then `send`, without a sync first on the web app (its inbox is already
 * open: session.ts). With the send scheduler on, `send` returns no message (its flush rejects once
 * the envelopes are queued for the slots: slotPosts.ts), so the id is read back from the
 * conversation, where `send` keeps what it wrote.
 */
import type { HardlineClient } from '@hardline/client';
import type { Population } from './population.ts';
import type { Random } from './random.ts';
import type { SimMessage } from './trafficSchedule.ts';

const TEXT = 'The quick brown fox jumps over the lazy dog. ';

export type TextSender = {
  readonly pop: Population;
  readonly rng: Random;
  readonly groupsMade: Set<string>;
  /** Runs a call that may leave its envelopes for a slot (slotPosts.ts leftForSlot). */
  readonly slotted: <T>(client: HardlineClient, run: () => Promise<T>) => Promise<T | undefined>;
};

/** Sends `m` from `client`; returns the real message id, for receipts. */
export async function sendText(s: TextSender, client: HardlineClient, m: SimMessage, webApp: boolean): Promise<string | undefined> {
  const text = TEXT.repeat(1 + s.rng.int(4)).slice(0, 20 + s.rng.int(200));
  if (m.group !== undefined && !s.groupsMade.has(m.group)) {
    s.groupsMade.add(m.group);
    const members = s.pop.groups.find((g) => g.name === m.group)!.members;
    await s.slotted(client, () => client.groupCreate(m.group!, members.filter((u) => u !== m.from).map((u) => s.pop.handles[u]!)));
  }
  const to = m.group ?? s.pop.handles[m.to[0]!]!;
  const sent = await s.slotted(client, () => client.send(to, text, webApp ? { sync: false } : {}));
  return sent?.id ?? lastOwnMessage(client, to);
}

/** The id of the last message this device wrote to `to`. */
function lastOwnMessage(client: HardlineClient, to: string): string | undefined {
  const conv = client.conversations().find((c) => !c.left && (c.roster.kind === 'group' ? c.roster.name === to : c.roster.kind === 'direct' && c.roster.members.includes(to as never)));
  return conv?.messages.filter((m) => m.from === client.handle).at(-1)?.id;
}
