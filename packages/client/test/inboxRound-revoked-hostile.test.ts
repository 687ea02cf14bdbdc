/**
 * A device told it is revoked, and a relay or network that refuses it for other reasons. REVOKED,
 * whether the relay answers the session request with it or closes the open inbox with 4003, marks
 * the device revoked and saves that before the round fails; any other refusal (the relay out of
 * reach, the connection dropped, a network error) fails the round and leaves the device as it
 * was, so that a relay going away cannot talk a device into believing it was revoked. The inbox
 * is a stand-in (support/standInInbox.ts); inboxRound.ts is what is under test.
 */
import { describe, expect, it } from 'vitest';
import { HardlineError } from '@hardline/protocol';
import { roundSeat, StandInInbox } from './support/standInInbox.ts';

const refusing = (e: unknown) => ({ api: { sessionToken: () => Promise.reject(e) } as never });

describe('the session request refused', () => {
  it('REVOKED: the device is marked revoked and saved, then the round fails', async () => {
    const inbox = new StandInInbox();
    const t = roundSeat(inbox, refusing(new HardlineError('REVOKED', 'device is revoked')));
    await expect(t.round.sync()).rejects.toMatchObject({ code: 'REVOKED' });
    expect(t.state.revoked).toBe(true);
    expect(t.saves.n).toBe(1);
    expect(inbox.connections).toHaveLength(0);
  });

  it.each([
    ['the relay out of reach', new HardlineError('UNAVAILABLE', 'relay unreachable')],
    ['a network error', new TypeError('fetch failed')],
    // Only the relay's own answer, as RelayApi reads it, says REVOKED; a library's error does not.
    ["an error that is not Hardline's, whatever its code", Object.assign(new Error('socket hang up'), { code: 'REVOKED' })],
  ])('%s: the round fails, and the device is not marked revoked', async (_what, error) => {
    const inbox = new StandInInbox();
    const t = roundSeat(inbox, refusing(error));
    await expect(t.round.sync()).rejects.toBe(error);
    expect(t.state.revoked).toBe(false);
    expect(t.saves.n).toBe(0);
  });
});

describe('the open inbox closed by the relay', () => {
  it('with 4003 (revoked): the device is marked revoked and saved, then the round fails', async () => {
    const inbox = new StandInInbox();
    inbox.script = () => ({ closeWith: 4003 });
    const t = roundSeat(inbox);
    await expect(t.round.sync()).rejects.toMatchObject({ code: 'REVOKED' });
    expect(t.state.revoked).toBe(true);
    expect(t.saves.n).toBe(1);
  });

  it('with any other code (the relay going away): the round fails, and the device is not marked revoked', async () => {
    const inbox = new StandInInbox();
    inbox.script = () => ({ closeWith: 1001 });
    const t = roundSeat(inbox);
    await expect(t.round.sync()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(t.state.revoked).toBe(false);
    expect(t.saves.n).toBe(0);
  });
});
