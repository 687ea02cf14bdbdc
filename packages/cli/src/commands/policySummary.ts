/**
 * @module commands/policySummary
 * The org policy in force for this device, as `hardline settings` prints it: every setting of
 * the security team's signed policy, and which of them the CLI enforces. The app lock is the web
 * app's: a terminal has no screen of Hardline's own to lock, so it is shown as not applying here.
 */
import type { Capabilities } from '@hardline/protocol';

export type PolicyView = { readonly version: number; readonly capabilities: Capabilities; readonly refused?: unknown };

const duration = (s: number): string => (s === 0 ? '0' : s % 86_400 === 0 ? `${s / 86_400} d` : s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

export function policyLines(p: PolicyView): string[] {
  const c = p.capabilities;
  const lines = [
    p.version === 0 ? 'policy: none (your organisation has not published one; everything is allowed)' : `policy: version ${p.version}, signed by your organisation's security key`,
    `  calls: ${c.calls ? 'allowed' : 'not allowed'}`,
    `  contacts: ${c.contacts === 'org' ? 'anyone in the organisation' : `members of ${c.contacts.groups.join(', ') || 'no group'}`}`,
    `  contact-book export: ${c.contactExport ? 'allowed' : 'not allowed'}`,
    `  linking new devices: ${c.linking}, at most ${c.maxDevices} devices`,
    `  disappearing messages: ${c.timer.minSeconds === 0 ? 'off allowed' : `at least ${duration(c.timer.minSeconds)}`}, at most ${duration(c.timer.maxSeconds)}`,
    `  message previews in notifications: ${c.previews ? 'on' : 'off'} (the CLI shows no notifications)`,
    `  app lock: ${c.appLockSeconds > 0 ? `after ${duration(c.appLockSeconds)} without use` : 'off'}${c.wipeAfterFailedUnlocks > 0 ? `, wipe after ${c.wipeAfterFailedUnlocks} wrong passphrases` : ''} (web app only: protect the CLI's home with the passphrase and disk encryption)`,
    `  metadata privacy: ${c.metadata}`,
  ];
  if (p.refused) lines.push('  warning: the relay served orders that do not verify; the last verified policy is shown. Tell your security team.');
  return lines;
}
