/**
 * @module recommendations
 * Turns the ranking and the influence paths into two short action lists for a security team:
 * whom to move to Hardline first (the conversations that give the principal's circle away),
 * and whom to brief that they are likely to be approached (the people an influence-seeker
 * would pick from the same logs).
 */
import type { PartnerKey } from './callRecord.ts';
import type { InfluenceReport } from './influencePaths.ts';
import type { RankedPartner } from './partnerRanking.ts';

export type Recommendation = {
  /** A partner key, or an adviser's label for advisers without a known number. */
  readonly who: PartnerKey | string;
  readonly name: string | undefined;
  readonly reason: string;
};

export type Recommendations = {
  readonly moveToHardline: readonly Recommendation[];
  readonly briefAsTargets: readonly Recommendation[];
};

export type RecommendationInput = {
  readonly principalRanking: readonly RankedPartner[];
  readonly influence: InfluenceReport;
  /** Advisers, by label, with their own number when known. */
  readonly advisers: readonly { readonly label: string; readonly owner: PartnerKey | undefined }[];
  readonly limit?: number;
};

export function recommend(input: RecommendationInput): Recommendations {
  const limit = input.limit ?? 5;
  const adviserOwners = new Set(input.advisers.flatMap((a) => (a.owner === undefined ? [] : [a.owner])));

  // Advisers first: their own phones leak the principal's circle one step out, and an
  // adviser's log was given to us because they are close to the principal.
  const move: Recommendation[] = input.advisers.map((a) => {
    const link = input.influence.links.find((l) => l.adviser === a.label);
    const strength = link === undefined ? '' : link.assumed ? ' (tie assumed, no number known)' : ` (tie strength ${Math.round(link.strength * 100)}/100)`;
    return { who: a.owner ?? a.label, name: a.label, reason: `adviser whose own phone exposes the circle${strength}` };
  });
  for (const p of input.principalRanking) {
    if (move.length >= limit + input.advisers.length) break;
    if (adviserOwners.has(p.partner)) continue;
    move.push({ who: p.partner, name: p.name, reason: `#${p.rank} partner of the principal, score ${p.score}: ${p.contacts} contacts, ${formatHours(p.talkSec)} talk, ${p.activeWeeks} active weeks` });
  }

  const brief: Recommendation[] = [];
  const briefed = new Set<string>();
  for (const c of input.influence.contacts) {
    if (brief.length >= limit) break;
    const best = c.paths[0];
    const route = c.direct > 0
      ? `talks to the principal directly and to ${c.reach.length - 1} adviser${c.reach.length === 2 ? '' : 's'} (${c.reach.slice(1).join(', ')})`
      : `reaches the principal through ${best?.via ?? 'an adviser'} (path strength ${Math.round((best?.strength ?? 0) * 100)}/100)`;
    brief.push({ who: c.partner, name: c.name, reason: `influence ${Math.round(c.influence * 100)}/100: ${route}` });
    briefed.add(c.partner);
  }
  // With only the principal's log, the top partners are the people an observer would approach.
  for (const p of input.principalRanking.slice(0, 3)) {
    if (briefed.has(p.partner) || adviserOwners.has(p.partner)) continue;
    brief.push({ who: p.partner, name: p.name, reason: `#${p.rank} partner: the first person an observer of the principal's phone would approach` });
  }
  return { moveToHardline: move, briefAsTargets: brief };
}

function formatHours(sec: number): string {
  return sec >= 3600 ? `${(sec / 3600).toFixed(1)} h` : `${Math.round(sec / 60)} min`;
}
