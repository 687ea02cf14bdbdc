/**
 * A long listening sync (`waitMs`) and the caller's AbortSignal, which ends it early so that
 * another operation can run (the web app stops listening to send). Aborting while the round waits
 * for new envelopes ends the round at once; one signal reused for every round collects no
 * listeners (Node warns past ten, and each would keep a finished round alive); and while the relay
 * has not yet said the backlog is drained, the round waits for it without setting a timer to poll.
 * Time is faked (setTimeout and Date), so a round's wait of an hour costs nothing; the inbox is a
 * stand-in (support/standInInbox.ts).
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { roundSeat, StandInInbox } from './support/standInInbox.ts';

const HOUR = 3_600_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => vi.useRealTimers());

/** Lets every pending promise callback run; setImmediate is not faked. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('a listening round and its AbortSignal', () => {
  it('aborted while it waits for new envelopes: the round ends at once', async () => {
    const inbox = new StandInInbox();
    const t = roundSeat(inbox);
    const stop = new AbortController();
    let done = false;
    const round = t.round.sync({ waitMs: HOUR, signal: stop.signal }).then(() => {
      done = true;
    });
    await settle();
    // Drained, and waiting out the hour: only the abort can end it now.
    expect(inbox.connections).toHaveLength(1);
    expect(done).toBe(false);

    stop.abort();
    await settle();
    expect(done).toBe(true);
    expect(inbox.connections[0]!.closedByClient).toBe(1000);
    await round;
  });

  it('one signal reused for every round keeps no listener once a round is over', async () => {
    const inbox = new StandInInbox();
    const t = roundSeat(inbox);
    const stop = new AbortController();
    for (let i = 0; i < 3; i++) {
      const round = t.round.sync({ waitMs: 1_000, signal: stop.signal });
      await settle();
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1_000);
      await round;
      expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    }
  });
});

describe('a relay slow to say the backlog is drained', () => {
  it('the round waits for it without a polling timer, then ends', async () => {
    const inbox = new StandInInbox();
    inbox.script = () => ({ drained: false });
    const t = roundSeat(inbox);
    let done = false;
    const round = t.round.sync().then(() => {
      done = true;
    });
    await settle();
    expect(inbox.connections).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(done).toBe(false);

    inbox.connections[0]!.drained();
    await settle();
    expect(done).toBe(true);
    await round;
  });
});
