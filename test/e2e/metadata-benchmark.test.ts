/**
 * The metadata benchmark (issue 5 part 2) at its quick size: a real relay and 51 real clients
 * over two simulated days. It checks that the attacks are real (they beat the systems built to
 * leak) and records where Hardline stands against each adversary. See BENCHMARKS.md.
 *
 * "The attacks are real" is checked at full size too: the baselines are modelled from the
 * simulated messages, so their rows of the full benchmark take a second or two with no relay.
 * At quick size the principal has only 93 contacts (86 messages, 7 calls) and his 5th and 6th
 * partners are tied (9 and 9), which is not enough for statistical disclosure to pass 0.8 even
 * on cellular records: at this size it is held to 0.6, and to 0.9 at full size below.
 * Issue 12 adds web-app devices (held-open inboxes, batched receipts) and calls with TURN legs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackName, AttackResult } from '../../bench/metadata/attackEvaluation.ts';
import { FULL_CONFIG, QUICK_CONFIG } from '../../bench/metadata/benchConfig.ts';
import { runBaselines, runBenchmark, type BenchmarkResult } from '../../bench/metadata/benchmarkRun.ts';

let b: BenchmarkResult;

beforeAll(async () => {
  b = await runBenchmark(QUICK_CONFIG);
}, 600_000);

function result(system: string, adversary: string, attack: AttackName): AttackResult {
  const r = b.results.find((x) => x.view.system === system && x.view.adversary === adversary && x.attack === attack);
  if (!r) throw new Error(`no result for ${system} / ${adversary} / ${attack}`);
  return r;
}

function best(system: string, adversary: string): number {
  return Math.max(...b.results.filter((x) => x.view.system === system && x.view.adversary === adversary).map((x) => x.final.p5));
}

/**
 * "Near chance": precision@5 moves in steps of 0.2 (one partner of five), so one lucky hit
 * already reads 0.2 against a chance level of 0.1 here. Near chance means no attack gets
 * more than that one hit, and none does better than ranking people by their overall message
 * volume, which needs no link at all.
 */
function nearChance(p5: number): boolean {
  return p5 <= Math.max(b.chance.p5 + 0.1, b.volumeOnly.p5) + 1e-9;
}

describe('metadata benchmark (quick)', () => {
  it('drives the real relay and clients without a client error', () => {
    expect(b.run.stats.users).toBe(QUICK_CONFIG.users + 1);
    expect(b.run.stats.failures).toEqual({});
    expect(b.run.trace.filter((e) => e.kind === 'post').length).toBeGreaterThanOrEqual(b.schedule.messages.length);
  });

  it('prints a chance level of k/N', () => {
    expect(b.chance.p5).toBeCloseTo(5 / QUICK_CONFIG.users);
    expect(b.chance.p10).toBeCloseTo(10 / QUICK_CONFIG.users);
  });

  it('every attack recovers the top partners from cellular records (P@5 ≥ 0.8; disclosure ≥ 0.6 at this size)', () => {
    for (const attack of ['frequency', 'timing'] as const) expect(result('Cellular', 'carrier records', attack).final.p5).toBeGreaterThanOrEqual(0.8);
    expect(result('Cellular', 'carrier records', 'disclosure').final.p5).toBeGreaterThanOrEqual(0.6 - 1e-9);
  });

  it('every attack recovers them from a Signal-like relay on its strongest honest view (P@5 ≥ 0.8)', () => {
    expect(result('Signal-like', 'live operator', 'disclosure').final.p5).toBeGreaterThanOrEqual(0.6 - 1e-9);
    expect(result('Signal-like', 'live operator', 'timing').final.p5).toBeGreaterThanOrEqual(0.8);
    // Sealed sender does what it promises: no envelope names its sender, so there is nothing to count...
    expect(result('Signal-like', 'live operator', 'frequency').final.p5).toBeCloseTo(b.chance.p5);
    // ...but the operator still sees the address each sealed send comes from, which is the sender's.
    expect(result('Signal-like', 'live operator + source IPs', 'frequency').final.p5).toBeGreaterThanOrEqual(0.8);
  });

  it('drives web-app devices and calls: held-open inboxes, batched receipts, TURN legs', () => {
    expect(b.webApp.isWebApp[0]).toBe(true);
    expect(b.run.heldOpenConns.size).toBeGreaterThan(0);
    expect(b.run.trace.some((e) => e.kind === 'push' && b.run.heldOpenConns.has(e.conn))).toBe(true);
    expect(b.webApp.actions.some((a) => a.kind === 'receipt')).toBe(true);
    expect(b.calls.calls.some((c) => c.answered)).toBe(true);
    expect(b.legs.length).toBeGreaterThan(0);
    expect(b.legs.length % 2).toBe(0);
    expect(Number.isFinite(b.cost.pushLatency.p50)).toBe(true);
    expect(b.cost.webAppBytesPerOpenSecond).toBeGreaterThan(0);
  });

  // Issue 12: the figures are measured before any defence, so only that each adversary runs and
  // yields a precision is asserted here; BENCHMARKS.md records the values (web-app pushes and
  // call legs are expected to be matched today).
  it('every new adversary runs every attack, and the call coincidence attack where TURN is seen', () => {
    const withTurn = ['global network observer (relay + TURN links)', 'live relay+TURN operator (trace)', 'live relay+TURN operator + source IPs', 'live relay+TURN operator + source IPs, ingress hop'];
    for (const adversary of [...withTurn, 'global network observer (relay link)']) {
      const attacks: AttackName[] = ['frequency', 'disclosure', 'timing', ...(withTurn.includes(adversary) ? (['call coincidence'] as const) : [])];
      for (const attack of attacks) {
        const r = result('Hardline', adversary, attack);
        expect(r.curve.length).toBeGreaterThan(0);
        expect(r.final.p5).toBeGreaterThanOrEqual(0);
        expect(r.final.p5).toBeLessThanOrEqual(1);
      }
    }
    expect(b.results.some((r) => r.view.adversary === 'global network observer (relay link)' && r.attack === 'call coincidence')).toBe(false);
    // The global observer is seen twice: with the relay's push rounds (pushRoundsModel.ts) and, for the comparison, without.
    expect(b.callPairings.map((p) => p.adversary).sort()).toEqual([...withTurn, 'global network observer (relay + TURN links), pushes at once'].sort());
    for (const p of b.callPairings) expect(p.legs).toBe(b.legs.length);
  });

  it('the seized database ties no envelope to a sender, so every attack scores exactly chance', () => {
    for (const attack of ['frequency', 'disclosure', 'timing'] as const) {
      const r = result('Hardline', 'seized database', attack);
      expect(r.final.p5).toBeCloseTo(b.chance.p5);
      expect(r.final.p10).toBeCloseTo(b.chance.p10);
    }
    expect(b.seizure.suspiciousColumns).toEqual([]);
  });

  // Known leak, measured: KeyPackage claims come in one burst per new conversation, and `send`
  // syncs the authenticated inbox moments before its anonymous post, so the live operator
  // links partners as fast as on cellular records. This is the goal, and it fails today; when
  // the client fixes in BENCHMARKS.md land, this starts passing and `.fails` must go.
  it.fails('the live operator (trace only, no addresses) stays near chance on Hardline', () => {
    expect(nearChance(best('Hardline', 'live relay+TURN operator (trace)'))).toBe(true);
  });
});

// The attacks are real (issue 5): on the full-size population (200 users, 4 days, 225 of the
// principal's messages), each attack, on the strongest honest view of a baseline built to
// leak, recovers the principal's top 5 with P@5 ≥ 0.9. These are the rows BENCHMARKS.md reports.
describe('the attacks are real (full size, baselines only)', () => {
  const full = runBaselines(FULL_CONFIG);
  const p5 = (system: string, adversary: string, attack: AttackName): number => {
    const r = full.results.find((x) => x.view.system === system && x.view.adversary === adversary && x.attack === attack);
    if (!r) throw new Error(`no result for ${system} / ${adversary} / ${attack}`);
    return r.final.p5;
  };

  it('has enough messages: more than 200 of the principal\'s', () => {
    expect(full.results[0]!.final.messages).toBeGreaterThan(200);
  });

  it('every attack reaches P@5 ≥ 0.9 on cellular records', () => {
    for (const attack of ['frequency', 'disclosure', 'timing'] as const) expect(p5('Cellular', 'carrier records', attack)).toBeGreaterThanOrEqual(0.9);
  });

  it('every attack reaches P@5 ≥ 0.9 on a Signal-like relay, on the strongest honest view for it', () => {
    // Receipts in time: disclosure and timing need nothing but the sealed envelopes.
    expect(p5('Signal-like', 'live operator', 'disclosure')).toBeGreaterThanOrEqual(0.9);
    expect(p5('Signal-like', 'live operator', 'timing')).toBeGreaterThanOrEqual(0.9);
    // Counting needs a named sender: the source address of each sealed send gives it.
    expect(p5('Signal-like', 'live operator', 'frequency')).toBeLessThan(0.1);
    for (const attack of ['frequency', 'disclosure', 'timing'] as const) expect(p5('Signal-like', 'live operator + source IPs', attack)).toBeGreaterThanOrEqual(0.9);
  });
});
