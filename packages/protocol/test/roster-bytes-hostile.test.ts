/**
 * decodeRoster from a hostile committer, on what roster-hostile.test.ts leaves out: the byte
 * bound at its edge, bytes that are not UTF-8, an unknown kind with the one member a `self`
 * roster has, values valid only once stringified (a number that reads as a handle, a hex string
 * wrapped in an array) or valid for one entry of several, and a time that parses but is too long.
 */
import { describe, expect, it } from 'vitest';
import { decodeRoster, MAX_ROSTER_BYTES, type Roster } from '../src/index.ts';

const secret = 'a'.repeat(64);
const roster = { v: 1, kind: 'group', name: 'team', members: ['alice'], devices: [], sealSecrets: [secret] };
const json = (v: unknown) => JSON.stringify(v);
const enc = (s: string) => new TextEncoder().encode(s);
const refused = (b: Uint8Array) => expect(() => decodeRoster(b)).toThrow(expect.objectContaining({ code: 'DECODE' }));

describe('decodeRoster: bytes and stringified values from a hostile committer', () => {
  it('takes a roster of exactly the byte bound and refuses one byte more before parsing', () => {
    const padded = (n: number) => enc(json(roster).padEnd(n, ' '));
    expect(decodeRoster(padded(MAX_ROSTER_BYTES))).toEqual(roster);
    expect(() => decodeRoster(padded(MAX_ROSTER_BYTES + 1))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('refuses bytes that are not UTF-8, even inside a string field', () => {
    const [head, tail] = json({ ...roster, name: '@' }).split('@') as [string, string];
    refused(new Uint8Array([...enc(head), 0xff, ...enc(tail)]));
  });

  it('refuses an unknown kind even with a single member', () => {
    refused(enc(json({ ...roster, kind: 'broadcast' })));
    refused(enc(json({ ...roster, kind: 'Self' })));
  });

  it('refuses members and seal secrets that are valid only as strings, or only some of them', () => {
    refused(enc(json({ ...roster, members: [123] })));
    refused(enc(json({ ...roster, members: ['alice', 'NOT A HANDLE'] })));
    refused(enc(json({ ...roster, sealSecrets: [[secret]] })));
    refused(enc(json({ ...roster, sealSecrets: [secret, 'zz'] })));
  });

  it('bounds the timer\'s time by its length, not only by whether it parses', () => {
    // Both parse as dates (fraction digits are free in V8); only the length tells them apart.
    const at = (digits: number) => `2026-11-28T10:00:00.${'0'.repeat(digits)}Z`;
    const timer = { seconds: 60, by: 'alice', at: at(19), id: 'f'.repeat(16) };
    expect(timer.at).toHaveLength(40);
    expect((decodeRoster(enc(json({ ...roster, timer }))) as Roster).timer).toEqual(timer);
    expect(Number.isNaN(Date.parse(at(20)))).toBe(false);
    refused(enc(json({ ...roster, timer: { ...timer, at: at(20) } })));
  });
});
