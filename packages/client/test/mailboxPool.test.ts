/**
 * The pool of this device's own mailboxes (mailboxPool.ts) and the pacing of claims
 * (claimPacing.ts), against a recording claimer: what the relay would see is when each claim
 * happens. Real timers with tiny gaps; nothing asserts on speed, only on order and on the
 * quiet period being waited out.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes, toHex, type MailboxId } from '@hardline/protocol';
import type { DeviceState, PooledMailbox } from '../src/deviceState.ts';
import { ClaimPacing } from '../src/claimPacing.ts';
import { MailboxPool, POOL_TARGET } from '../src/mailboxPool.ts';
import type { PrivacyLevel, SlotParams } from '../src/privacyLevel.ts';

const params = (level: PrivacyLevel): SlotParams =>
  level === 'off' ? { level, quietMs: 0, busyGapMs: 0, idleGapMs: undefined, maxDelayMs: 0 } : { level, quietMs: 40, busyGapMs: 2, idleGapMs: 3, maxDelayMs: 5_000 };

function setup(level: PrivacyLevel, state = {} as DeviceState) {
  const claims: { at: number; id: MailboxId }[] = [];
  const waits: number[] = [];
  let saved: string | undefined;
  let quietUntil = 0;
  const p = () => params(level);
  const quietLeft = () => Math.max(0, quietUntil - Date.now());
  const session = { quietLeft, sessions: 0 };
  const pacing = new ClaimPacing({
    params: p,
    session,
    sleep: async (ms) => {
      waits.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    },
  });
  let failNext = false;
  const pool = new MailboxPool({
    state: () => state,
    claimOwn: async (): Promise<PooledMailbox> => {
      if (failNext) {
        failNext = false;
        throw new Error('relay down');
      }
      const id = toHex(randomBytes(16)) as MailboxId;
      claims.push({ at: Date.now(), id });
      return { id, readCap: toHex(randomBytes(32)), sendCap: toHex(randomBytes(32)) };
    },
    save: async () => void (saved = JSON.stringify(state)),
    params: p,
    quietLeft,
    pacing,
  });
  return { state, pool, pacing, claims, waits, saved: () => saved, session: () => {
      session.sessions++;
      quietUntil = Date.now() + p().quietMs;
    }, failOnce: () => (failNext = true) };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('mailbox pool', () => {
  it('at balanced a conversation takes a mailbox claimed earlier: no claim at the moment of the take', async () => {
    const t = setup('balanced');
    while (await t.pool.refillOne());
    expect(t.pool.size).toBe(POOL_TARGET);
    const before = t.claims.length;
    const m = await t.pool.take();
    expect(t.claims.length).toBe(before);
    expect(t.claims.map((c) => c.id)).toContain(m.id);
    expect(t.pool.size).toBe(POOL_TARGET - 1);
  });

  it('a mailbox given back (its setup failed) is saved at the front of the pool: no KeyPackage is wasted', async () => {
    const t = setup('balanced');
    while (await t.pool.refillOne());
    const m = await t.pool.take();
    await t.pool.giveBack(m);
    expect(t.pool.size).toBe(POOL_TARGET);
    expect((JSON.parse(t.saved()!) as DeviceState).mailboxPool?.[0]?.id).toBe(m.id);
    expect((await t.pool.take()).id).toBe(m.id);
  });

  it('survives a restart: the pool is in the saved state, and an old state without one starts empty', async () => {
    const t = setup('balanced');
    while (await t.pool.refillOne());
    const reloaded = setup('balanced', JSON.parse(t.saved()!) as DeviceState);
    expect(reloaded.pool.size).toBe(POOL_TARGET);
    const first = await reloaded.pool.take();
    expect(first.id).toBe(t.claims[0]!.id);
    expect(reloaded.claims).toHaveLength(0);
    const old = setup('balanced', { v: 1 } as DeviceState);
    expect(old.pool.size).toBe(0);
    expect(old.pool.low).toBe(true);
  });

  it('an empty pool at balanced claims only once the quiet period after a session is over', async () => {
    const t = setup('balanced');
    t.session();
    const sessionEnd = Date.now() + 40;
    const m = await t.pool.take();
    expect(t.claims).toHaveLength(1);
    expect(t.claims[0]!.id).toBe(m.id);
    expect(t.claims[0]!.at).toBeGreaterThanOrEqual(sessionEnd - 2);
    expect(t.waits[0]).toBeGreaterThanOrEqual(35);
  });

  it('at off there is no pool: a claim at once, as before', async () => {
    const t = setup('off');
    expect(t.pool.low).toBe(false);
    expect(await t.pool.refillOne()).toBe(false);
    t.session();
    await t.pool.take();
    expect(t.claims).toHaveLength(1);
    expect(t.waits).toHaveLength(0);
    expect(t.state.mailboxPool).toBeUndefined();
  });

  it('refills itself on its timer, never within the quiet period, and retries after a failure', async () => {
    const t = setup('balanced');
    t.failOnce();
    t.session();
    const quietEnd = Date.now() + 40;
    t.pool.start();
    await until(() => t.pool.size === POOL_TARGET);
    t.pool.stop();
    for (const c of t.claims) expect(c.at).toBeGreaterThanOrEqual(quietEnd - 2);
    // Taking one makes it low again: the timer claims a replacement.
    t.pool.start();
    await t.pool.take();
    await until(() => t.pool.size === POOL_TARGET);
    t.pool.stop();
    expect(t.claims).toHaveLength(POOL_TARGET + 1);
  });
});

describe('claim pacing', () => {
  it('at balanced claims go one at a time, the first past the quiet period, not in one burst', async () => {
    const t = setup('balanced');
    t.session();
    const quietEnd = Date.now() + 40;
    let inflight = 0;
    let most = 0;
    const out = await t.pacing.each([1, 2, 3, 4], async (n) => {
      most = Math.max(most, ++inflight);
      await new Promise((r) => setTimeout(r, 3));
      inflight--;
      return { n, at: Date.now() };
    });
    expect(out.map((o) => o.n)).toEqual([1, 2, 3, 4]);
    expect(most).toBe(1);
    expect(out[0]!.at).toBeGreaterThanOrEqual(quietEnd - 2);
    expect(t.waits).toHaveLength(4);
  });

  it('an authenticated request during a batch is waited out again before the next claim', async () => {
    const t = setup('balanced');
    const at: number[] = [];
    let quietEnd = 0;
    await t.pacing.each([1, 2], async (n) => {
      at.push(Date.now());
      if (n === 1) {
        t.session();
        quietEnd = Date.now() + 40;
      }
    });
    expect(at[1]).toBeGreaterThanOrEqual(quietEnd - 2);
  });

  it('at off claims all at once, as before', async () => {
    const t = setup('off');
    let inflight = 0;
    let most = 0;
    await t.pacing.each([1, 2, 3], async () => {
      most = Math.max(most, ++inflight);
      await new Promise((r) => setTimeout(r, 3));
      inflight--;
    });
    expect(most).toBe(3);
    expect(t.waits).toHaveLength(0);
  });
});
