/**
 * decodeRoster from a hostile committer's side. The roster rides in every commit and names the
 * mailboxes and send capabilities members post to, so each field is checked at its edge: one
 * step inside decodes unchanged, one step outside (or a wrong type) is a DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { decodeRoster, encodeRoster, MAX_TIMER_SECONDS, type Roster } from '../src/index.ts';

const hex = (n: number, c = 'a') => c.repeat(n);
const device = { deviceId: hex(32, '1'), handle: 'alice', mailboxId: hex(32, '2'), sendCap: hex(64, '3') };
const base = { v: 1, kind: 'group', name: 'n'.repeat(128), members: ['alice', 'b'.repeat(32)], devices: [device], sealSecrets: [hex(64)] } as unknown as Roster;
const timer = { seconds: MAX_TIMER_SECONDS, by: 'alice', at: '2026-11-28T10:00:00.000Z', id: hex(16, 'f') };
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

const valid: Roster[] = [
  base,
  { ...base, kind: 'direct', name: '' },
  { ...base, kind: 'self', members: ['alice'] as unknown as Roster['members'] },
  { ...base, sealSecrets: [hex(64), hex(64, 'b'), hex(64, 'c')] },
  { ...base, devices: [] },
  { ...base, timer: { ...timer, seconds: 0, id: hex(32, 'e') } } as Roster,
  { ...base, timer } as Roster,
];

const invalid: [string, unknown][] = [
  ['version 2', { ...base, v: 2 }],
  ['unknown kind', { ...base, kind: 'broadcast' }],
  ['self with two members', { ...base, kind: 'self' }],
  ['self with no members', { ...base, kind: 'self', members: [] }],
  ['name too long', { ...base, name: 'n'.repeat(129) }],
  ['name not a string', { ...base, name: 1 }],
  ['members not an array', { ...base, members: 'alice' }],
  ['a member handle in capitals', { ...base, members: ['Alice'] }],
  ['a member handle too long', { ...base, members: ['b'.repeat(33)] }],
  ['a member handle with a prefix', { ...base, members: [' alice'] }],
  ['devices not an array', { ...base, devices: device }],
  ['a null device', { ...base, devices: [null] }],
  ['device id short', { ...base, devices: [{ ...device, deviceId: hex(31) }] }],
  ['device id upper case', { ...base, devices: [{ ...device, deviceId: hex(32, 'A') }] }],
  ['device handle invalid', { ...base, devices: [{ ...device, handle: 'x' }] }],
  ['mailbox id long', { ...base, devices: [{ ...device, mailboxId: hex(33) }] }],
  ['send capability short', { ...base, devices: [{ ...device, sendCap: hex(63) }] }],
  ['send capability with a suffix', { ...base, devices: [{ ...device, sendCap: `${hex(64)}0` }] }],
  ['no seal secret', { ...base, sealSecrets: [] }],
  ['four seal secrets', { ...base, sealSecrets: [hex(64), hex(64), hex(64), hex(64)] }],
  ['a seal secret not hex', { ...base, sealSecrets: [hex(64, 'g')] }],
  ['timer negative', { ...base, timer: { ...timer, seconds: -1 } }],
  ['timer over a year', { ...base, timer: { ...timer, seconds: MAX_TIMER_SECONDS + 1 } }],
  ['timer set by an invalid handle', { ...base, timer: { ...timer, by: 'A' } }],
  ['timer time too long', { ...base, timer: { ...timer, at: `${timer.at}${' '.repeat(20)}` } }],
  ['timer time not a date', { ...base, timer: { ...timer, at: 'now' } }],
  ['timer id short', { ...base, timer: { ...timer, id: hex(15) } }],
  ['timer id long', { ...base, timer: { ...timer, id: hex(33) } }],
  ['timer null', { ...base, timer: null }],
  ['not an object', [base]],
  ['null', null],
];

describe('decodeRoster: a hostile committer', () => {
  it('decodes each valid roster unchanged', () => {
    for (const r of valid) expect(decodeRoster(encodeRoster(r))).toEqual(r);
  });

  it.each(invalid)('refuses %s', (_, r) => {
    expect(() => decodeRoster(bytes(r))).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});
