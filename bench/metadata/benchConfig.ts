/**
 * @module benchConfig
 * The two sizes the benchmark runs at. Full is what BENCHMARKS.md reports; quick is what the
 * end-to-end test runs (METADATA_BENCH_QUICK=1 selects it from the command line too).
 */
export type BenchConfig = {
  readonly seed: number;
  /** Users besides the principal. */
  readonly users: number;
  readonly days: number;
  /** How many people the principal writes to. */
  readonly principalPartners: number;
  /**
   * His relationships in layers (as Dunbar's circles): the first `size` partners get `weight`,
   * the next layer its own, the rest the last weight. Top 5 and top 10 are the ground truth.
   */
  readonly principalLayers: readonly { readonly size: number; readonly weight: number }[];
  /** Direct messages the principal exchanges per day, all partners together. */
  readonly principalMessagesPerDay: number;
  /** Preferential attachment: edges each newcomer brings. */
  readonly attachEdges: number;
  /** Median messages per day on an ordinary edge (log-normal around it). */
  readonly edgeMedianPerDay: number;
  readonly groups: number;
  /** Groups the principal belongs to (included in `groups`). */
  readonly principalGroups: number;
  readonly groupMessagesPerDay: number;
  /** App sessions per user per day; during one the device polls its inbox. */
  readonly sessionsPerDay: number;
  readonly pollEverySeconds: number;
  /** Checkpoints per simulated day at which every attack is re-run. */
  readonly checkpointsPerDay: number;
  /** Share of users on the web app (inbox held open while the tab is, batched receipts); the rest poll like the CLI. */
  readonly webAppShare: number;
  /** Mean time a web-app tab stays open after a session's last poll (people leave tabs open). */
  readonly webAppLingerSeconds: number;
  /** Calls per direct message on an edge where both people use the web app (the CLI has no calls). */
  readonly callsPerMessage: number;
};

export const FULL_CONFIG: BenchConfig = {
  seed: 20250605,
  users: 200,
  days: 4,
  principalPartners: 25,
  principalLayers: [
    { size: 5, weight: 1 },
    { size: 5, weight: 0.35 },
    { size: Infinity, weight: 0.07 },
  ],
  principalMessagesPerDay: 80,
  attachEdges: 2,
  edgeMedianPerDay: 1.5,
  groups: 20,
  principalGroups: 2,
  groupMessagesPerDay: 4,
  sessionsPerDay: 5,
  pollEverySeconds: 300,
  checkpointsPerDay: 8,
  webAppShare: 0.7,
  webAppLingerSeconds: 1800,
  callsPerMessage: 0.05,
};

export const QUICK_CONFIG: BenchConfig = {
  ...FULL_CONFIG,
  seed: 7,
  users: 50,
  days: 2,
  principalPartners: 15,
  principalMessagesPerDay: 70,
  groups: 6,
  checkpointsPerDay: 6,
};
