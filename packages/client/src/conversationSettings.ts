/**
 * @module conversationSettings
 * A conversation's settings (a group's name, the disappearing-messages timer) are part of its
 * roster, which travels inside every Commit and Welcome. So every device of every member, a
 * device linked later and a member added later all hold the same settings, instead of only the
 * devices that happened to receive a one-off message. A change is a commit like a membership
 * change, and the rule below decides whether a received change is accepted.
 */
import { HardlineError, MAX_TIMER_SECONDS, randomBytes, toHex, type Handle, type Roster } from '@hardline/protocol';

export type SettingsChange = {
  /** Groups only: 1-64 characters. */
  readonly name?: string;
  /** 0 turns the timer off. */
  readonly timerSeconds?: number;
};

export const MAX_GROUP_NAME = 64;

export function validateSettingsChange(roster: Roster, change: SettingsChange): void {
  if (change.name !== undefined) {
    if (roster.kind !== 'group') throw new HardlineError('VALIDATION', 'only a group has a name to change');
    const name = change.name.trim();
    if (name.length === 0 || name.length > MAX_GROUP_NAME) throw new HardlineError('VALIDATION', `group name must be 1-${MAX_GROUP_NAME} characters`);
  }
  if (change.timerSeconds !== undefined && !(Number.isSafeInteger(change.timerSeconds) && change.timerSeconds >= 0 && change.timerSeconds <= MAX_TIMER_SECONDS)) {
    throw new HardlineError('VALIDATION', `the timer must be 0 to ${MAX_TIMER_SECONDS} seconds`);
  }
}

/** The roster with `change` applied by `me`, now. */
export function withSettings(roster: Roster, change: SettingsChange, me: Handle, now: Date): Roster {
  return {
    ...roster,
    ...(change.name !== undefined ? { name: change.name.trim() } : {}),
    ...(change.timerSeconds !== undefined ? { timer: { seconds: change.timerSeconds, by: me, at: now.toISOString(), id: toHex(randomBytes(8)) } } : {}),
  };
}

/** True when applying `change` would leave the roster's settings as they are. */
export function changesNothing(roster: Roster, change: SettingsChange): boolean {
  return (change.name === undefined || change.name.trim() === roster.name) && (change.timerSeconds === undefined || change.timerSeconds === (roster.timer?.seconds ?? 0));
}

/**
 * The trust rule for a roster received in a commit: a timer change must say who made it, and that
 * must be the member whose device signed the commit. Otherwise one member could put words in
 * another's mouth ("Bob turned off disappearing messages"); the old timer is kept instead.
 */
export function acceptRoster(old: Roster, next: Roster, committer: Handle | undefined): Roster {
  const changed = next.timer?.id !== old.timer?.id;
  if (!changed || next.timer?.by === committer) return next;
  const { timer: _dropped, ...rest } = next;
  return old.timer ? { ...rest, timer: old.timer } : rest;
}
