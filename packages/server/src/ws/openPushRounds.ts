/**
 * @module openPushRounds
 * The relay's push rounds from the operator's options (RelayOptions.pushRounds): the level's
 * policy (pushRoundPolicy.ts), a test's round length and clock, or real time.
 */
import { REAL_CLOCK } from '../push/wakeUps.ts';
import type { RelayOptions } from '../relayOptions.ts';
import { DEFAULT_PUSH_ROUND_LEVEL, parsePushRoundLevel, PUSH_ROUND_POLICIES } from './pushRoundPolicy.ts';
import { PushRounds } from './pushRounds.ts';

export function openPushRounds(options: RelayOptions['pushRounds'] = {}): PushRounds {
  const policy = PUSH_ROUND_POLICIES[parsePushRoundLevel(options.level ?? DEFAULT_PUSH_ROUND_LEVEL)];
  const roundMs = options.roundMs ?? policy.roundMs;
  if (!Number.isFinite(roundMs) || roundMs < 0 || (policy.roundMs > 0 && roundMs === 0)) throw new RangeError('pushRounds.roundMs must be a positive number of milliseconds');
  return new PushRounds({ ...policy, roundMs: policy.roundMs > 0 ? roundMs : 0 }, { clock: options.timing?.clock ?? REAL_CLOCK, random: options.timing?.random ?? Math.random });
}
