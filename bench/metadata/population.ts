/**
 * @module population
 * Who knows whom, and how much they write. Ordinary users form a preferential-attachment graph
 * (Barabási–Albert), so a few hubs have many contacts and most people have few; each edge gets
 * a log-normal daily message rate. The principal (user 0) writes to a random set of people in
 * layers of intensity (an inner circle, regulars, occasional contacts): the ground truth.
 * Group chats are drawn from graph neighbourhoods; the principal sits in some of them.
 */
import type { BenchConfig } from './benchConfig.ts';
import type { Random } from './random.ts';

export type Edge = { readonly a: number; readonly b: number; readonly perDay: number };
export type Group = { readonly name: string; readonly members: readonly number[]; readonly perDay: number };

export type Population = {
  /** Handles; index 0 is the principal. */
  readonly handles: readonly string[];
  readonly edges: readonly Edge[];
  readonly groups: readonly Group[];
};

export const PRINCIPAL = 0;

export function simulatePopulation(config: BenchConfig, rng: Random): Population {
  const n = config.users + 1;
  const handles = Array.from({ length: n }, (_, i) => (i === PRINCIPAL ? 'principal' : `user${String(i).padStart(3, '0')}`));
  const lognormal = (median: number): number => median * Math.exp(0.8 * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));

  // Preferential attachment among users 1..n-1: an endpoint list makes "pick by degree" O(1).
  const edgeKeys = new Set<string>();
  const edges: Edge[] = [];
  const endpoints: number[] = [];
  const addEdge = (a: number, b: number, perDay: number): boolean => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || edgeKeys.has(key)) return false;
    edgeKeys.add(key);
    edges.push({ a, b, perDay });
    return true;
  };
  const seedSize = config.attachEdges + 1;
  for (let i = 1; i <= seedSize; i++) for (let j = i + 1; j <= seedSize; j++) if (addEdge(i, j, lognormal(config.edgeMedianPerDay))) endpoints.push(i, j);
  for (let v = seedSize + 1; v < n; v++) {
    let added = 0;
    for (let tries = 0; added < config.attachEdges && tries < 50; tries++) {
      const u = rng.pick(endpoints);
      if (addEdge(v, u, lognormal(config.edgeMedianPerDay))) {
        endpoints.push(v, u);
        added++;
      }
    }
  }

  // The principal: layered weights over a random set of people, scaled to his daily volume.
  const partners = rng.shuffle(Array.from({ length: n - 1 }, (_, i) => i + 1)).slice(0, config.principalPartners);
  const weights = partners.map((_, rank) => {
    let start = 0;
    for (const layer of config.principalLayers) {
      if (rank < start + layer.size) return layer.weight;
      start += layer.size;
    }
    return config.principalLayers[config.principalLayers.length - 1]!.weight;
  });
  const total = weights.reduce((s, w) => s + w, 0);
  partners.forEach((p, rank) => addEdge(PRINCIPAL, p, (config.principalMessagesPerDay * weights[rank]!) / total));

  // Groups: a random user and some of their neighbours; the principal's groups mix his
  // partners with strangers, so group traffic is noise around the ground truth.
  const neighbours = (u: number): number[] => edges.filter((e) => e.a === u || e.b === u).map((e) => (e.a === u ? e.b : e.a));
  const groups: Group[] = [];
  for (let g = 0; g < config.groups; g++) {
    const size = 3 + rng.int(5);
    const withPrincipal = g < config.principalGroups;
    const anchor = withPrincipal ? PRINCIPAL : 1 + rng.int(n - 1);
    const pool = rng.shuffle(neighbours(anchor).filter((u) => u !== PRINCIPAL));
    const members = [anchor, ...pool.slice(0, Math.ceil((size - 1) / 2))];
    while (members.length < size) {
      const u = 1 + rng.int(n - 1);
      if (!members.includes(u)) members.push(u);
    }
    groups.push({ name: `group${g}`, members, perDay: lognormal(config.groupMessagesPerDay) });
  }
  return { handles, edges, groups };
}
