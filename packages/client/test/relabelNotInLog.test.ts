/**
 * @module relabelNotInLog.test
 * The reason a device is refused, as the app shows it: 'not-in-log' says the relay served a key
 * it could not prove logged (a sign of a relay showing someone false keys), 'no-identity' only
 * that the person has no identity key yet. A person counts as not-in-log only for their identity
 * key: a certificate of one of their devices left out of the log names that device alone, and
 * must not make an honest "no identity key yet" for their other devices look like an attack.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceId, Handle } from '@hardline/protocol';
import { relabelNotInLog, type NotInLog } from '../src/keyTransparency.ts';
import type { Unverifiable } from '../src/trustRules.ts';

const BOB = 'bob' as Handle;
const B1 = 'b1' as DeviceId;
const B2 = 'b2' as DeviceId;

describe('relabelNotInLog', () => {
  it('a device certificate not in the log names that device only, not its owner', () => {
    const unverifiable: Unverifiable[] = [
      { handle: BOB, deviceId: B1, reason: 'no-identity' },
      { handle: BOB, deviceId: B2, reason: 'no-identity' },
    ];
    const notInLog: NotInLog[] = [{ handle: BOB, deviceId: B1, what: 'certificate' }];
    expect(relabelNotInLog(unverifiable, notInLog)).toEqual([
      { handle: BOB, deviceId: B1, reason: 'not-in-log' },
      { handle: BOB, deviceId: B2, reason: 'no-identity' },
    ]);
  });

  it('an identity key not in the log names every device of that person that lacks one', () => {
    const unverifiable: Unverifiable[] = [
      { handle: BOB, deviceId: B1, reason: 'no-identity' },
      { handle: BOB, deviceId: B2, reason: 'bad-certificate' },
    ];
    expect(relabelNotInLog(unverifiable, [{ handle: BOB, what: 'identity-key' }])).toEqual([
      { handle: BOB, deviceId: B1, reason: 'not-in-log' },
      { handle: BOB, deviceId: B2, reason: 'bad-certificate' },
    ]);
  });
});
