/**
 * @module webAppDevice
 * Devices that behave like the web app (packages/web), beside the CLI's pollers:
 * - while the tab is open, the inbox is held open, so the relay pushes each envelope to it
 *   milliseconds after its post (a DELIVER action right after the post: a real round of the
 *   client's inbox against the real relay, whose push and ack keep their real timing);
 * - the tab is open during the user's sessions and stays open a while after (people leave tabs
 *   open), with no polls then: only pushes;
 * - delivery receipts as session/receipts.ts sends them: never on arrival, but 5–30 s later at
 *   random, batched per conversation, or at once after a message the user sends there anyway.
 * The principal uses the web app. Draws come from their own stream, so the messages (and the
 * baselines built from them) are the same whatever the share of web-app users.
 */
import { AppActionKinds, type AppAction, type ControlTarget } from './appAction.ts';
import type { BenchConfig } from './benchConfig.ts';
import { PRINCIPAL, type Population } from './population.ts';
import type { Random } from './random.ts';
import { ActionKinds, type Schedule, type SimMessage } from './trafficSchedule.ts';

const RECEIPT_DELAY_MIN = 5;
const RECEIPT_DELAY_MAX = 30;
/** A deliver is scheduled this long after its post; the driver runs it right after the post anyway. */
const PUSH_GAP = 0.001;

export type WebAppPlan = {
  readonly isWebApp: readonly boolean[];
  /** Per user, sorted and disjoint [start, end) intervals with the tab open. */
  readonly open: readonly (readonly (readonly [number, number])[])[];
  /** Per user, sorted poll times (from the schedule). */
  readonly polls: readonly (readonly number[])[];
  readonly actions: readonly AppAction[];
};

export function isOpenAt(plan: WebAppPlan, user: number, t: number): boolean {
  return plan.isWebApp[user]! && plan.open[user]!.some(([a, b]) => t >= a && t < b);
}

/**
 * Deliver actions for every web-app recipient whose tab is open when an envelope lands at t.
 * `ofSlotted`: a text's or receipt's (what the send scheduler holds for a slot).
 */
export function deliveries(plan: WebAppPlan, t: number, recipients: readonly number[], ofSlotted = false): AppAction[] {
  return recipients.filter((r) => isOpenAt(plan, r, t)).map((user) => ({ t: t + PUSH_GAP, user, kind: AppActionKinds.DELIVER, ...(ofSlotted ? { ofSlotted } : {}) }));
}

function openIntervals(polls: readonly number[], config: BenchConfig, rng: Random): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < polls.length; ) {
    let j = i;
    while (j + 1 < polls.length && polls[j + 1]! - polls[j]! <= config.pollEverySeconds + 1e-6) j++;
    const end = polls[j]! + config.pollEverySeconds + rng.exp(config.webAppLingerSeconds);
    const last = out[out.length - 1];
    if (last && polls[i]! <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([polls[i]!, end]);
    i = j + 1;
  }
  return out;
}

const conversationKey = (m: SimMessage, reader: number): string => m.group ?? `${Math.min(m.from, reader)}-${Math.max(m.from, reader)}`;

export function planWebApp(pop: Population, schedule: Schedule, config: BenchConfig, rng: Random): WebAppPlan {
  const isWebApp = pop.handles.map((_, u) => u === PRINCIPAL || rng.next() < config.webAppShare);
  const polls: number[][] = pop.handles.map(() => []);
  for (const a of schedule.actions) if (a.kind === ActionKinds.POLL) polls[a.user]!.push(a.t);
  const open = polls.map((p, u) => (isWebApp[u] ? openIntervals(p, config, rng) : []));
  const plan: WebAppPlan = { isWebApp, open, polls, actions: [] };
  const actions: AppAction[] = [];
  const members = new Map(pop.groups.map((g) => [g.name, g.members] as const));

  // When each web-app reader fetches each message: at once if the tab is open, else its next poll.
  const fetches: { t: number; reader: number; m: SimMessage }[] = [];
  for (const m of schedule.messages) {
    actions.push(...deliveries(plan, m.t, m.to, true));
    for (const r of m.to) {
      if (!isWebApp[r]) continue;
      const t = isOpenAt(plan, r, m.t) ? m.t : polls[r]!.find((p) => p > m.t);
      if (t !== undefined) fetches.push({ t, reader: r, m });
    }
  }
  fetches.sort((a, b) => a.t - b.t);

  // Batching, per reader and conversation: the first unreceipted message sets a random due time.
  const sends = new Map<string, number[]>();
  for (const m of schedule.messages) {
    const key = `${m.from}|${conversationKey(m, m.to[0]!)}`;
    (sends.get(key) ?? sends.set(key, []).get(key)!).push(m.t);
  }
  const pending = new Map<string, { due: number; target: ControlTarget; ids: number[]; reader: number; others: readonly number[] }>();
  const flush = (key: string, at: number): void => {
    const p = pending.get(key)!;
    pending.delete(key);
    actions.push({ t: at, user: p.reader, kind: AppActionKinds.RECEIPT, target: p.target, messages: p.ids });
    actions.push(...deliveries(plan, at, p.others, true));
  };
  for (const f of fetches) {
    const conv = conversationKey(f.m, f.reader);
    const key = `${f.reader}|${conv}`;
    const cur = pending.get(key);
    if (cur && cur.due <= f.t) flush(key, cur.due);
    const p = pending.get(key);
    if (p) {
      p.ids.push(f.m.id);
      continue;
    }
    const due = f.t + RECEIPT_DELAY_MIN + rng.next() * (RECEIPT_DELAY_MAX - RECEIPT_DELAY_MIN);
    // A message of his own in that conversation before then carries the receipt at once.
    const ownSend = (sends.get(key) ?? []).find((s) => s > f.t && s < due);
    const others = f.m.group !== undefined ? members.get(f.m.group)!.filter((u) => u !== f.reader) : [f.m.from];
    const target: ControlTarget = f.m.group !== undefined ? { group: f.m.group } : { peer: f.m.from };
    pending.set(key, { due: ownSend !== undefined ? ownSend + PUSH_GAP : due, target, ids: [f.m.id], reader: f.reader, others });
  }
  for (const key of [...pending.keys()]) if (pending.get(key)!.due < schedule.durationSeconds) flush(key, pending.get(key)!.due);
  actions.sort((a, b) => a.t - b.t);
  return { ...plan, actions };
}
