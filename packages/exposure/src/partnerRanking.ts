/**
 * @module partnerRanking
 * Ranks a person's regular conversation partners the way an eavesdropper would: the people
 * they talk to often, long, lately, in both directions and week after week. Every factor is a
 * number in [0, 1] and is shown, so a reader can see why someone ranks where they do.
 */
import { DEFAULT_BURST_RULE, findBursts, measureRegularity } from './activityPatterns.ts';
import type { Burst, BurstRule } from './activityPatterns.ts';
import type { PartnerKey } from './callRecord.ts';
import type { PartnerTally } from './partnerTally.ts';

/** Weights of the factors in the score; they sum to 1 so the score reads as 0–100. */
export const SCORE_WEIGHTS = {
  frequency: 0.3,
  talkTime: 0.2,
  recency: 0.15,
  reciprocity: 0.15,
  regularity: 0.2,
} as const;

export type ScoreFactor = keyof typeof SCORE_WEIGHTS;
export type ScoreFactors = Readonly<Record<ScoreFactor, number>>;

/** Days after which the recency factor halves. */
export const RECENCY_HALF_LIFE_DAYS = 30;

export type RankedPartner = {
  readonly rank: number;
  readonly partner: PartnerKey;
  readonly name: string | undefined;
  /** 0–100. */
  readonly score: number;
  readonly factors: ScoreFactors;
  readonly contacts: number;
  readonly calls: number;
  readonly sms: number;
  readonly incoming: number;
  readonly outgoing: number;
  readonly missed: number;
  readonly talkSec: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly activeWeeks: number;
  readonly activeDays: number;
  readonly bursts: readonly Burst[];
  /** Only for the top `detailTop` partners: 168 numbers each would swamp a large report. */
  readonly heatmap: readonly number[] | undefined;
};

export type RankingContext = {
  /** "Now" for recency: the newest record across all logs. */
  readonly asOfMs: number;
  /** Weeks the person's log spans, the denominator of week coverage. */
  readonly observedWeeks: number;
  readonly utcOffsetMinutes: number;
  readonly burstRule?: BurstRule;
  /** Names from an address book, which win over names in the log. */
  readonly names?: ReadonlyMap<PartnerKey, string>;
  /** How many top partners get a heatmap (default 25). */
  readonly detailTop?: number;
};

export function rankPartners(tallies: Iterable<PartnerTally>, ctx: RankingContext): RankedPartner[] {
  const list = [...tallies];
  let maxContacts = 0;
  let maxTalk = 0;
  for (const t of list) {
    if (t.contacts > maxContacts) maxContacts = t.contacts;
    if (t.talkSec > maxTalk) maxTalk = t.talkSec;
  }
  const scored = list.map((t) => {
    const regularity = measureRegularity(t.hourCounts);
    const factors = scoreFactors(t, regularity.activeWeeks, regularity.gapEvenness, maxContacts, maxTalk, ctx);
    let score = 0;
    for (const k of Object.keys(SCORE_WEIGHTS) as ScoreFactor[]) score += SCORE_WEIGHTS[k] * factors[k];
    return { t, factors, score: Math.round(score * 1000) / 10, regularity };
  });
  // Ties broken by contacts, then by key, so that the ranking is stable across runs.
  scored.sort((a, b) => b.score - a.score || b.t.contacts - a.t.contacts || (a.t.partner < b.t.partner ? -1 : 1));
  return scored.map(({ t, factors, score, regularity }, i) => ({
    rank: i + 1,
    partner: t.partner,
    name: ctx.names?.get(t.partner) ?? t.name,
    score,
    factors,
    contacts: t.contacts, calls: t.calls, sms: t.sms, incoming: t.incoming, outgoing: t.outgoing, missed: t.missed,
    talkSec: Math.round(t.talkSec), firstMs: t.firstMs, lastMs: t.lastMs,
    activeWeeks: regularity.activeWeeks, activeDays: regularity.activeDays,
    bursts: findBursts(t.hourCounts, ctx.burstRule ?? DEFAULT_BURST_RULE, ctx.utcOffsetMinutes),
    heatmap: i < (ctx.detailTop ?? 25) ? Array.from(t.heatmap) : undefined,
  }));
}

/**
 * The factors, each in [0, 1]:
 * - frequency: ln(1 + contacts) / ln(1 + most contacts of any partner)
 * - talkTime: ln(1 + seconds) / ln(1 + most seconds of any partner)
 * - recency: 0.5 ^ (days since last contact / 30)
 * - reciprocity: 2·min(their, our) / (their + our) initiations; missed calls count as theirs
 * - regularity: 0.7 · active weeks / observed weeks + 0.3 · evenness of gaps between contact days
 * Logarithms keep one partner with thousands of SMS from flattening everyone else.
 */
export function scoreFactors(
  t: PartnerTally, activeWeeks: number, gapEvenness: number, maxContacts: number, maxTalk: number, ctx: RankingContext,
): ScoreFactors {
  const theirs = t.incoming + t.missed;
  const ours = t.outgoing;
  const daysSince = Math.max(0, (ctx.asOfMs - t.lastMs) / 86_400_000);
  return {
    frequency: maxContacts > 0 ? Math.log1p(t.contacts) / Math.log1p(maxContacts) : 0,
    talkTime: maxTalk > 0 ? Math.log1p(t.talkSec) / Math.log1p(maxTalk) : 0,
    recency: 0.5 ** (daysSince / RECENCY_HALF_LIFE_DAYS),
    reciprocity: theirs + ours > 0 ? (2 * Math.min(theirs, ours)) / (theirs + ours) : 0,
    regularity: 0.7 * Math.min(1, activeWeeks / Math.max(1, ctx.observedWeeks)) + 0.3 * gapEvenness,
  };
}
