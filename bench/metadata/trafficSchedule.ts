/**
 * @module trafficSchedule
 * Turns a population into timed device actions over the simulated days. Every user has app
 * sessions (by the daily rhythm) during which the device polls its inbox. A conversation thread
 * starts in one of the initiator's sessions; each reply is written only after the recipient's
 * device has actually fetched the previous message (its next poll) plus a typing delay, so
 * message timing follows from reading, as it does for people.
 */
import type { BenchConfig } from './benchConfig.ts';
import { DAY_SECONDS, rhythmicTime } from './dailyRhythm.ts';
import type { Population } from './population.ts';
import type { Random } from './random.ts';

export type SimMessage = {
  readonly id: number;
  /** Simulated seconds since the start. */
  readonly t: number;
  readonly from: number;
  readonly to: readonly number[];
  /** Set for group messages. */
  readonly group?: string;
};

export const ActionKinds = { POLL: 'poll', SEND: 'send' } as const;

export type DeviceAction =
  | { readonly t: number; readonly user: number; readonly kind: typeof ActionKinds.POLL }
  | { readonly t: number; readonly user: number; readonly kind: typeof ActionKinds.SEND; readonly message: SimMessage };

export type Schedule = {
  readonly durationSeconds: number;
  /** Sorted by time. */
  readonly messages: readonly SimMessage[];
  /** Sorted by time: what each device does, polls and sends. */
  readonly actions: readonly DeviceAction[];
};

const MEAN_THREAD_LENGTH = 3;
/** A reply that would come more than this long after the message is not part of the thread. */
const MAX_REPLY_GAP = 12 * 3600;

export function simulateTraffic(pop: Population, config: BenchConfig, rng: Random): Schedule {
  const duration = config.days * DAY_SECONDS;
  const polls = pop.handles.map(() => [] as number[]);
  for (let u = 0; u < pop.handles.length; u++) {
    const shift = (rng.next() * 2 - 1) * 3600;
    const activity = 0.6 + rng.next() * 0.8;
    for (let day = 0; day < config.days; day++) {
      const sessions = rng.poisson(config.sessionsPerDay * activity);
      for (let s = 0; s < sessions; s++) {
        const start = rhythmicTime(day, shift, rng);
        const end = start + 120 + rng.exp(400);
        for (let t = start; t < end && t < duration; t += config.pollEverySeconds) polls[u]!.push(t);
      }
    }
    polls[u]!.sort((a, b) => a - b);
  }
  const nextPoll = (u: number, after: number): number | undefined => {
    const list = polls[u]!;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return list[lo];
  };
  const startIn = (u: number): number | undefined => {
    const list = polls[u]!;
    return list.length === 0 ? undefined : rng.pick(list) + rng.next() * 120;
  };

  const drafts: { t: number; from: number; to: number[]; group?: string }[] = [];
  /** One thread: `speakers()` names who writes next given who wrote last. */
  const thread = (first: number, start: number, next: (last: number) => number, to: (from: number) => number[], group?: string): void => {
    let from = first;
    let t = start;
    for (;;) {
      if (t >= duration) return;
      drafts.push({ t, from, to: to(from), ...(group !== undefined ? { group } : {}) });
      if (rng.next() < 1 / MEAN_THREAD_LENGTH) return;
      const replier = next(from);
      const read = nextPoll(replier, t + 1);
      if (read === undefined || read - t > MAX_REPLY_GAP) return;
      t = read + 5 + rng.exp(40);
      from = replier;
    }
  };

  for (const e of pop.edges) {
    const threads = rng.poisson((e.perDay * config.days) / MEAN_THREAD_LENGTH);
    for (let i = 0; i < threads; i++) {
      const first = rng.next() < 0.5 ? e.a : e.b;
      const start = startIn(first);
      if (start !== undefined) thread(first, start, (last) => (last === e.a ? e.b : e.a), (from) => [from === e.a ? e.b : e.a]);
    }
  }
  for (const g of pop.groups) {
    const threads = rng.poisson((g.perDay * config.days) / MEAN_THREAD_LENGTH);
    const others = (u: number): number[] => g.members.filter((m) => m !== u);
    for (let i = 0; i < threads; i++) {
      const first = rng.pick(g.members);
      const start = startIn(first);
      if (start !== undefined) thread(first, start, (last) => rng.pick(others(last)), others, g.name);
    }
  }

  drafts.sort((a, b) => a.t - b.t);
  const messages: SimMessage[] = drafts.map((d, id) => ({ id, ...d }));
  const actions: DeviceAction[] = [
    ...polls.flatMap((list, user) => list.map((t) => ({ t, user, kind: ActionKinds.POLL }))),
    ...messages.map((message) => ({ t: message.t, user: message.from, kind: ActionKinds.SEND, message })),
  ];
  actions.sort((a, b) => a.t - b.t);
  return { durationSeconds: duration, messages, actions };
}
