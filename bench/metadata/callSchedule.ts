/**
 * @module callSchedule
 * Calls between usual partners: on each edge of the ground-truth graph where both people use
 * the web app (the CLI has no calls), calls come in proportion to the messages, while the
 * caller's tab is open. Each call is the web app's signalling (calls/callState.ts), as real
 * controls through the real clients, with the TURN credential fetch of each side before it
 * opens media (calls/callManager.ts `openMedia`):
 *   caller ring → callee ringing (0.3–1.5 s, reachability.ts) → callee TURN + accept (a human
 *   answering: 3 s + exp 5 s) → caller TURN + offer → callee answer → ice both ways → media →
 *   one side's hangup. Unanswered calls (20%) end with the caller's cancel after 30 s.
 * A ring to a closed tab wakes the callee's browser by push; its service worker fetches about
 * 2 s later (BENCHMARKS.md "Reachability"). Every signal is delivered to the peer's inbox.
 */
import { AppActionKinds, type AppAction } from './appAction.ts';
import type { BenchConfig } from './benchConfig.ts';
import type { Population } from './population.ts';
import type { Random } from './random.ts';
import type { Schedule, SimMessage } from './trafficSchedule.ts';
import type { CallOp } from '@hardline/protocol';
import { deliveries, isOpenAt, type WebAppPlan } from './webAppDevice.ts';

const ANSWER_RATE = 0.8;
const RING_TIMEOUT = 30;
const WAKE_SECONDS = 2;
/** Opus at about 32 kb/s plus RTP/SRTP/TURN overhead, each way. */
const MEDIA_BYTES_PER_SECOND = 6_000;

export type CallPlan = {
  readonly callId: string;
  readonly caller: number;
  readonly callee: number;
  readonly ringAt: number;
  readonly answered: boolean;
  /** Seconds of media, for an answered call. */
  readonly seconds: number;
  /** Bytes per second each side sends, for an answered call. */
  readonly bytesPerSecond: readonly [caller: number, callee: number];
};

/**
 * Seconds of media of one answered call: log-normal around 3 minutes, capped at an hour. Cover
 * legs (coverLegs.ts) draw from the same, so that their lengths look like calls'.
 */
export function callSeconds(rng: Random): number {
  return Math.min(3600, 180 * Math.exp(0.9 * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next())));
}

export type CallSchedule = { readonly calls: readonly CallPlan[]; readonly actions: readonly AppAction[] };

export function planCalls(pop: Population, config: BenchConfig, web: WebAppPlan, rng: Random): CallSchedule {
  const calls: CallPlan[] = [];
  const actions: AppAction[] = [];
  const signal = (t: number, user: number, peer: number, callId: string, op: CallOp, peerAwake = true): void => {
    actions.push({ t, user, kind: AppActionKinds.CALL_SIGNAL, peer, callId, op });
    actions.push(...(peerAwake ? [{ t: t + 0.001, user: peer, kind: AppActionKinds.DELIVER } as const] : deliveries(web, t, [peer])));
  };
  for (const e of pop.edges) {
    if (!web.isWebApp[e.a] || !web.isWebApp[e.b]) continue;
    const n = rng.poisson(e.perDay * config.days * config.callsPerMessage);
    for (let i = 0; i < n; i++) {
      const [caller, callee] = rng.next() < 0.5 ? [e.a, e.b] : [e.b, e.a];
      const open = web.open[caller]!;
      if (open.length === 0) continue;
      const [from, to] = rng.pick(open);
      const t0 = from + rng.next() * (to - from);
      const callId = `call${calls.length}`;
      const answered = rng.next() < ANSWER_RATE;
      const awake = isOpenAt(web, callee, t0);
      const seconds = callSeconds(rng);
      const rate = (): number => MEDIA_BYTES_PER_SECOND * (0.85 + 0.3 * rng.next());
      calls.push({ callId, caller, callee, ringAt: t0, answered, seconds, bytesPerSecond: [rate(), rate()] });
      signal(t0, caller, callee, callId, 'ring', awake);
      if (!awake) actions.push({ t: t0 + WAKE_SECONDS, user: callee, kind: AppActionKinds.DELIVER });
      const rung = t0 + (awake ? 0 : WAKE_SECONDS);
      signal(rung + 0.3 + rng.next() * 1.2, callee, caller, callId, 'ringing');
      if (!answered) {
        signal(t0 + RING_TIMEOUT, caller, callee, callId, 'cancel');
        continue;
      }
      const ta = rung + 3 + rng.exp(5);
      actions.push({ t: ta, user: callee, kind: AppActionKinds.TURN, callId });
      signal(ta + 0.01, callee, caller, callId, 'accept');
      actions.push({ t: ta + 0.02, user: caller, kind: AppActionKinds.TURN, callId });
      signal(ta + 0.03, caller, callee, callId, 'offer');
      signal(ta + 0.04, callee, caller, callId, 'answer');
      signal(ta + 0.05, caller, callee, callId, 'ice');
      signal(ta + 0.06, callee, caller, callId, 'ice');
      const hanger = rng.next() < 0.5 ? caller : callee;
      signal(ta + 0.5 + seconds, hanger, hanger === caller ? callee : caller, callId, 'hangup');
    }
  }
  actions.sort((a, b) => a.t - b.t);
  return { calls, actions };
}

/**
 * The schedule as the ground truth and the baselines count it: every call (answered or not) is
 * one contact between caller and callee, like a message. A call record is what cellular records
 * hold; on the relays, a call is signalling in the same mailboxes. So the principal's regular
 * partners are those he writes to and calls, and the baselines see calls as they see messages.
 */
export function scheduleWithCalls(schedule: Schedule, calls: readonly CallPlan[]): Schedule {
  const extra: SimMessage[] = calls.map((c, i) => ({ id: schedule.messages.length + i, t: c.ringAt, from: c.caller, to: [c.callee] }));
  return { ...schedule, messages: [...schedule.messages, ...extra].sort((a, b) => a.t - b.t) };
}
