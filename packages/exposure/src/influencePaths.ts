/**
 * @module influencePaths
 * Paths of influence across several people's logs. Someone who wants to reach the principal
 * and cannot do so directly looks for people the principal listens to: contacts shared by the
 * circle, and contacts of an adviser who is close to the principal (partner → adviser →
 * principal). This ranks those contacts by how useful they would be to such a person.
 */
import type { PartnerKey } from './callRecord.ts';
import type { RankedPartner } from './partnerRanking.ts';

/** Strength assumed for an adviser whose tie to the principal no log shows (no numbers known). */
export const ASSUMED_LINK_STRENGTH = 0.5;

export type CirclePerson = {
  readonly label: string;
  readonly owner: PartnerKey | undefined;
  readonly ranking: readonly RankedPartner[];
};

export type AdviserLink = {
  readonly adviser: string;
  /** 0–1: the higher of the principal's score for the adviser and the adviser's for the principal. */
  readonly strength: number;
  /** True when no log shows the tie and ASSUMED_LINK_STRENGTH stands in. */
  readonly assumed: boolean;
};

export type InfluencePath = {
  /** The adviser the path runs through. */
  readonly via: string;
  /** Partner's strength with the adviser × the adviser's link to the principal. */
  readonly strength: number;
};

export type InfluenceContact = {
  readonly rank: number;
  readonly partner: PartnerKey;
  readonly name: string | undefined;
  /** Labels of the circle members this contact talks to. */
  readonly reach: readonly string[];
  /** The principal's own score for this contact, 0–1 (0 when absent from the principal's log). */
  readonly direct: number;
  readonly paths: readonly InfluencePath[];
  /** 1 − (1 − direct) · Π(1 − path strength): the chance that at least one route carries. */
  readonly influence: number;
};

export type InfluenceReport = {
  readonly links: readonly AdviserLink[];
  /** Contacts of at least one adviser, most useful to an influence-seeker first. */
  readonly contacts: readonly InfluenceContact[];
};

/** `circle[0]` is the principal, the rest are advisers. */
export function findInfluencePaths(circle: readonly CirclePerson[]): InfluenceReport {
  const [principal, ...advisers] = circle;
  if (principal === undefined || advisers.length === 0) return { links: [], contacts: [] };
  const scoreMaps = circle.map((p) => new Map(p.ranking.map((r) => [r.partner, r] as const)));
  const principalScores = scoreMaps[0] as Map<PartnerKey, RankedPartner>;
  const members = new Set(circle.flatMap((p) => (p.owner === undefined ? [] : [p.owner])));

  const links: AdviserLink[] = advisers.map((a, i) => {
    const own = scoreMaps[i + 1] as Map<PartnerKey, RankedPartner>;
    const seen = [
      a.owner === undefined ? undefined : principalScores.get(a.owner)?.score,
      principal.owner === undefined ? undefined : own.get(principal.owner)?.score,
    ].filter((s): s is number => s !== undefined);
    return seen.length === 0
      ? { adviser: a.label, strength: ASSUMED_LINK_STRENGTH, assumed: true }
      : { adviser: a.label, strength: Math.max(...seen) / 100, assumed: false };
  });

  const candidates = new Map<PartnerKey, string | undefined>();
  advisers.forEach((_, i) => {
    for (const r of (scoreMaps[i + 1] as Map<PartnerKey, RankedPartner>).values()) {
      if (!members.has(r.partner) && !candidates.has(r.partner)) candidates.set(r.partner, r.name);
    }
  });

  const contacts = [...candidates].map(([partner, name]) => {
    const reach: string[] = [];
    circle.forEach((p, i) => { if (scoreMaps[i]?.has(partner)) reach.push(p.label); });
    const directEntry = principalScores.get(partner);
    const direct = (directEntry?.score ?? 0) / 100;
    const paths: InfluencePath[] = [];
    advisers.forEach((a, i) => {
      const entry = scoreMaps[i + 1]?.get(partner);
      if (entry !== undefined) paths.push({ via: a.label, strength: round((entry.score / 100) * (links[i] as AdviserLink).strength) });
    });
    paths.sort((x, y) => y.strength - x.strength);
    const miss = paths.reduce((acc, p) => acc * (1 - p.strength), 1 - direct);
    return { partner, name: directEntry?.name ?? name, reach, direct: round(direct), paths, influence: round(1 - miss) };
  });
  contacts.sort((a, b) => b.influence - a.influence || b.reach.length - a.reach.length || (a.partner < b.partner ? -1 : 1));
  return { links, contacts: contacts.map((c, i) => ({ rank: i + 1, ...c })) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
