/**
 * @module claimPacing-sessionDuring-hostile.test
 * The relay operator's seat, on a manual clock: a session request that begins while a paced
 * anonymous request waits (a claim-token refill, an inbox subscribe). The wait was drawn
 * when it began, so the anonymous request used to follow that session request by whatever was
 * left of it, often far less than the quiet period: the operator saw "device X's session, then
 * token T" again. Now a wait in which a session request began is taken again: the quiet period
 * past that request and a fresh gap (claimPacing.ts `#waitPastSessions`), at most `MAX_REWAITS`
 * times, so a session that never rests cannot hold the request back for ever.
 */
import { describe, expect, it } from 'vitest';
import { ClaimPacing, MAX_REWAITS } from '../src/claimPacing.ts';
import { SLOT_PARAMS } from '../src/privacyLevel.ts';
import { ManualClock } from '../../../test/support/manualClock.ts';

const P = SLOT_PARAMS.balanced;

/** The send scheduler's session view, on the manual clock: each request ends as it begins. */
function sessionOn(clock: ManualClock) {
  let last = -Infinity;
  const s = {
    sessions: 0,
    /** When each session request went. */
    went: [] as number[],
    quietLeft: () => Math.max(0, last + P.quietMs - clock.now()),
    /** A session request now, as the device's inbox round or token refill makes one. */
    request: () => {
      s.sessions++;
      last = clock.now();
      s.went.push(last);
    },
  };
  return s;
}

/** Runs `go` on the clock; `during(t)` is called at each ms step so a test can act mid-wait. */
async function timed(clock: ManualClock, go: () => Promise<void>, during: (t: number) => void): Promise<number> {
  let done: number | undefined;
  void go().then(() => (done = clock.now()));
  for (let t = 0; done === undefined && t < 600_000; t += 10) {
    during(clock.now());
    await clock.advance(10);
  }
  return done!;
}

const paced = (clock: ManualClock, session: ReturnType<typeof sessionOn>) =>
  new ClaimPacing({ params: () => P, session, sleep: (ms) => new Promise<void>((r) => void clock.after(ms, r)) });

describe('a session request during a paced wait', () => {
  it('is waited out too: the lock request (pause) never follows it by less than the quiet period', async () => {
    for (let run = 0; run < 20; run++) {
      const clock = new ManualClock();
      const session = sessionOn(clock);
      let requestAt = -1;
      const at = await timed(clock, () => paced(clock, session).pause(), (t) => {
        // Just before the shortest possible wait ends: a token refill the device starts.
        if (requestAt < 0 && t >= P.quietMs - 20) {
          session.request();
          requestAt = t;
        }
      });
      expect(at - requestAt).toBeGreaterThanOrEqual(P.quietMs);
    }
  });

  it('is waited out between claims too (each)', async () => {
    for (let run = 0; run < 20; run++) {
      const clock = new ManualClock();
      const session = sessionOn(clock);
      const claimedAt: number[] = [];
      let requestAt = -1;
      await timed(clock, async () => void (await paced(clock, session).each([1, 2, 3], async () => void claimedAt.push(clock.now()))), (t) => {
        // Right after the first claim, while the second one's gap runs.
        if (requestAt < 0 && claimedAt.length === 1 && t > claimedAt[0]!) {
          session.request();
          requestAt = t;
        }
      });
      expect(claimedAt).toHaveLength(3);
      expect(claimedAt[1]! - requestAt).toBeGreaterThanOrEqual(P.quietMs);
    }
  });

  it('cannot hold the request back for ever: a session busy every 100 ms still lets it go', async () => {
    const clock = new ManualClock();
    const session = sessionOn(clock);
    let next = 0;
    const at = await timed(clock, () => paced(clock, session).pause(), (t) => {
      if (t >= next) {
        session.request();
        next = t + 100;
      }
    });
    expect(at).toBeDefined();
    // Each re-wait is at least the quiet period: the bound is what ends it.
    expect(at).toBeGreaterThanOrEqual((MAX_REWAITS + 1) * P.quietMs);
  });

  it('a claim whose token was spent meanwhile by another paced claim fetches it before its wait, not right before it goes', async () => {
    for (let run = 0; run < 10; run++) {
      const clock = new ManualClock();
      const session = sessionOn(clock);
      // The claim-token wallet: a fill is a session request (the device asks the relay for tokens).
      let tokens = 0;
      const fill = async (): Promise<void> => {
        session.request();
        tokens += 4;
      };
      const pacing = new ClaimPacing({
        params: () => P,
        session,
        warm: async (n) => {
          while (tokens < n) await fill();
        },
        sleep: (ms) => new Promise<void>((r) => void clock.after(ms, r)),
      });
      const claimedAt: number[] = [];
      let spent = false;
      await timed(
        clock,
        () =>
          pacing.one(async () => {
            // payWithToken: a token from the wallet, fetched now only when it is empty.
            if (tokens === 0) await fill();
            tokens--;
            claimedAt.push(clock.now());
          }),
        (t) => {
          // The mailbox pool's own paced claims spend the wallet while this one waits.
          if (!spent && t >= 100) {
            tokens = 0;
            spent = true;
          }
        },
      );
      expect(claimedAt).toHaveLength(1);
      const before = session.went.filter((t) => t <= claimedAt[0]!);
      expect(claimedAt[0]! - before.at(-1)!).toBeGreaterThanOrEqual(P.quietMs);
    }
  });
});
