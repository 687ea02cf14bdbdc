/**
 * @module commands/serverPush
 * `hardline server --push on|off [--push-subject S]`: whether the relay sends Web Push
 * wake-ups through the browser vendors' push services (docs/protocol.md §6 "Push wake-ups").
 * `off` is the organisation saying no vendor may learn when its devices are woken.
 */
import { HardlineError } from '@hardline/protocol';

/** For RelayOptions.push: false (off), the operator's VAPID contact, or undefined (defaults). */
export function pushFrom(mode: string, subject: string | undefined): { readonly subject: string } | false | undefined {
  if (mode !== 'on' && mode !== 'off') throw new HardlineError('USAGE', '--push is on or off');
  if (mode === 'off') {
    if (subject !== undefined) throw new HardlineError('USAGE', '--push-subject has no use with --push off');
    return false;
  }
  if (subject === undefined) return undefined;
  // RFC 8292 §2.1: how a push service reaches the operator; Apple refuses anything else.
  if (!/^mailto:[^@\s]+@[^@\s]+$/.test(subject) && !/^https:\/\/\S+$/.test(subject)) {
    throw new HardlineError('USAGE', '--push-subject is a mailto: address or an https: URL');
  }
  return { subject };
}
