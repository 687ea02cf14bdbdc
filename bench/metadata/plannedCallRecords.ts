/**
 * @module plannedCallRecords
 * The call records of a run that drives no relay (callDefenceRun.ts): each call signal and TURN
 * purchase of the plan, ended when the driver would have ended it. The driver runs actions one
 * at a time, each from its planned time or the end of the one before, whichever is later, and
 * records the simulated time at its end (relayDriver.ts); here each takes a modelled time
 * instead of the real client's, and only call actions are run. Leg timing (turnView.ts) needs no
 * more than these: when each side bought credentials, the last ice signal and the hangup.
 */
import { AppActionKinds, type AppAction, type CallRecord } from './appAction.ts';
import type { Random } from './random.ts';

/** A `sendControl` or a TURN purchase on loopback: 50 ms plus an exponential of mean 100 ms. */
const ACTION_MIN_SECONDS = 0.05;
const ACTION_MEAN_EXTRA_SECONDS = 0.1;

export function plannedCallRecords(actions: readonly AppAction[], rng: Random): CallRecord[] {
  const records: CallRecord[] = [];
  let lastEnd = -Infinity;
  for (const a of [...actions].sort((x, y) => x.t - y.t)) {
    if (a.kind !== AppActionKinds.CALL_SIGNAL && a.kind !== AppActionKinds.TURN) continue;
    const end = Math.max(a.t, lastEnd) + ACTION_MIN_SECONDS + rng.exp(ACTION_MEAN_EXTRA_SECONDS);
    records.push({ callId: a.callId, user: a.user, what: a.kind === AppActionKinds.TURN ? 'turn' : a.op, sim: end });
    lastEnd = end;
  }
  return records;
}
