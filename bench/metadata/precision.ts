/**
 * @module precision
 * Precision@k of an attack's scores against the true top-k partners, as an expectation over
 * random tie-breaking: candidates tied at the cut share the remaining places equally. So an
 * attack that learned nothing (all scores equal) scores exactly the chance level, k/N for N
 * candidates, instead of whatever a lucky tie-break would give.
 */
export function precisionAtK(scores: ReadonlyMap<string, number>, candidates: readonly string[], truth: readonly string[], k: number): number {
  const top = new Set(truth.slice(0, k));
  const ranked = candidates.map((c) => ({ c, s: scores.get(c) ?? 0 })).sort((a, b) => b.s - a.s);
  if (ranked.length <= k) return ranked.filter((r) => top.has(r.c)).length / k;
  const cut = ranked[k - 1]!.s;
  const above = ranked.filter((r) => r.s > cut);
  const tied = ranked.filter((r) => r.s === cut);
  const hitsAbove = above.filter((r) => top.has(r.c)).length;
  const hitsTied = tied.filter((r) => top.has(r.c)).length;
  return (hitsAbove + ((k - above.length) * hitsTied) / tied.length) / k;
}

export function chanceAtK(candidates: number, k: number): number {
  return Math.min(1, k / candidates);
}
