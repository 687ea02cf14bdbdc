/**
 * @module run
 * `npm run bench:metadata`: the metadata benchmark (issues 5 and 12). One run per privacy level
 * (METADATA_BENCH_LEVELS, default off,balanced,strict) over the same population and messages;
 * prints each run's tables, then privacy against cost per level, and writes the charts.
 * METADATA_BENCH_QUICK=1 runs the small configuration the end-to-end test uses.
 * METADATA_BENCH_CALLS=0 runs the same messages with no calls (calls come from a stream of their
 * own): the figure for messages alone, which issue 12 sets its bar on, apart from calls.
 * METADATA_BENCH_SEED=<n> replaces the configuration's seed (another population, schedule and draws).
 * METADATA_BENCH_CALLS_ONLY=1 runs the calls alone with the call defences (callDefenceRun.ts), no
 * relay driven: seconds instead of most of an hour; the levels other than off are the defences'.
 * With METADATA_BENCH_SEEDS=a,b,… it also runs those seeds and prints each figure's median.
 * METADATA_BENCH_PRESENCE_ONLY=1 runs the global observer's attacks on presence alone (which
 * tabs are open when; presenceRun.ts) for the seed and METADATA_BENCH_SEEDS, per day, no relay
 * driven: the mean over many seeds, which one full run cannot give.
 * METADATA_BENCH_DUMP=<folder> also writes each level's adversary views (sightings, target,
 * candidates) and the ground truth as JSON, so an attack or an ablation can be tried on them
 * without driving the relay again (a level takes minutes; an attack, seconds).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrivacyLevel } from '@hardline/client';
import { FULL_CONFIG, QUICK_CONFIG } from './benchConfig.ts';
import { runBenchmark } from './benchmarkRun.ts';
import { precisionChart } from './precisionChart.ts';
import { resultsTable, seizureLines, summaryLines } from './reportTables.ts';
import { pushProviderTable } from './pushProviderReport.ts';
import { callLines } from './callReport.ts';
import { callDefenceLines, callDefenceMedianLines } from './callDefenceReport.ts';
import { runCallDefences } from './callDefenceRun.ts';
import { costChart, type CostPoint } from './costChart.ts';
import { costLines, costPoints } from './costReport.ts';
import { levelRow, levelTable } from './levelReport.ts';
import { OWN_WAKE_POLICIES, runPresence } from './presenceRun.ts';
import { WAKE_POLICIES } from '../../packages/server/src/push/wakePolicy.ts';
import { DRAIN_FLOOR } from '../../packages/server/src/ws/inboxConnection.ts';
import { presenceLines, wakeReadLines } from './presenceReport.ts';

const quick = process.env.METADATA_BENCH_QUICK === '1';
const sized = quick ? QUICK_CONFIG : FULL_CONFIG;
const seed = process.env.METADATA_BENCH_SEED === undefined ? sized.seed : Number(process.env.METADATA_BENCH_SEED);
const seeds = (process.env.METADATA_BENCH_SEEDS ?? '').split(',').filter((s) => s.trim() !== '').map(Number);
// A seed that is not an integer would fall silently to 0 in seededRandom: refuse it instead.
if (![seed, ...seeds].every(Number.isInteger)) {
  console.error('METADATA_BENCH_SEED and METADATA_BENCH_SEEDS take integers');
  process.exit(2);
}
/**
 * METADATA_BENCH_DAYS, METADATA_BENCH_CHECKPOINTS (per day): a longer simulation, as issue 12's
 * "not reached within a simulated month" needs; fewer checkpoints keep the attacks' re-runs
 * affordable over a month.
 */
const whole = (name: string): number | undefined => {
  const v = process.env[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} takes a whole number of at least 1`);
    process.exit(2);
  }
  return n;
};
const days = whole('METADATA_BENCH_DAYS');
const checkpoints = whole('METADATA_BENCH_CHECKPOINTS');
const config = {
  ...sized,
  seed,
  ...(process.env.METADATA_BENCH_CALLS === '0' ? { callsPerMessage: 0 } : {}),
  ...(days !== undefined ? { days } : {}),
  ...(checkpoints !== undefined ? { checkpointsPerDay: checkpoints } : {}),
};
const levels = (process.env.METADATA_BENCH_LEVELS ?? 'off,balanced,strict').split(',').map((l) => parsePrivacyLevel(l.trim()));
const started = Date.now();
if (process.env.METADATA_BENCH_CALLS_ONLY === '1') {
  // The call defences on the calls alone, no relay driven (callDefenceRun.ts); level off is the "none" row of each.
  const defended = levels.filter((l) => l !== 'off');
  console.log(`# Call defences, calls only (${quick ? 'quick' : 'full'}; seed ${config.seed}; levels ${defended.join(', ')})\n`);
  console.log(callDefenceLines(runCallDefences(config, defended)));
  // More seeds (METADATA_BENCH_SEEDS=a,b,…): the medians, the first run's table above them.
  if (seeds.length > 0) console.log(`\n${callDefenceMedianLines([config.seed, ...seeds].map((s) => runCallDefences({ ...config, seed: s }, defended)))}`);
  const cpu = process.cpuUsage();
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
  process.exit(0);
}
if (process.env.METADATA_BENCH_PRESENCE_ONLY === '1') {
  // The global observer's presence view over many seeds (presenceRun.ts), no relay driven.
  const all = [config.seed, ...seeds];
  console.log(`# Presence only, the global network observer (${quick ? 'quick' : 'full'}; ${config.days} days; ${all.length} seeds: ${all.length > 6 ? `${all.slice(0, 3).join(', ')} … ${all.at(-1)}` : all.join(', ')})\n`);
  console.log('## Open tabs and CLI polls alone\n');
  console.log(presenceLines(runPresence(config, all)));
  for (const level of levels.filter((l) => l !== 'off')) {
    console.log(`\n## With closed tabs' inbox reads after wake-ups, ${level}: each message's own wake-up (before)\n`);
    console.log(presenceLines(runPresence(config, all, OWN_WAKE_POLICIES[level])));
    console.log(`\n## With closed tabs' inbox reads after wake-ups, ${level}: messages ride cover wake-ups (now)\n`);
    console.log(presenceLines(runPresence(config, all, WAKE_POLICIES[level])));
    // Reads that found more than a drain carries anyway are longer on the wire: with no floor, and with the relay's.
    for (const floor of [0, DRAIN_FLOOR]) {
      console.log(`\n## The same, ${level}, for an observer who keeps the reads longer than an empty one (drain floor ${floor}${floor === 0 ? ': reads not padded' : ', the relay\'s'})\n`);
      console.log(presenceLines(runPresence(config, all, WAKE_POLICIES[level], floor)));
    }
  }
  const cpu = process.cpuUsage();
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
  process.exit(0);
}
const svg = (name: string): string => fileURLToPath(new URL(`./${name}${quick ? '-quick' : ''}.svg`, import.meta.url));
const rows: string[][] = [];
const points: CostPoint[] = [];
let chance = 0;
console.log(`# Metadata benchmark (${quick ? 'quick' : 'full'}; ${config.days} days; levels ${levels.join(', ')}${config.callsPerMessage === 0 ? '; no calls' : ''})`);
for (const level of levels) {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const b = await runBenchmark(config, level);
  const cpu = process.cpuUsage(cpu0);
  const chartPath = svg(level === 'off' ? 'precision' : `precision-${level}`);
  writeFileSync(chartPath, precisionChart(b));
  console.log(`\n## Privacy level ${level}\n`);
  console.log(summaryLines(b));
  console.log('');
  console.log(resultsTable(b));
  console.log('');
  console.log(seizureLines(b));
  console.log('');
  console.log(callLines(b.calls.calls, b.callPairings));
  console.log('');
  console.log(costLines(b));
  console.log(wakeReadLines(b.wakeReads, b.webApp, b.schedule.durationSeconds));
  // CPU time beside wall time: on shared cores the wall time says more about the neighbours.
  console.log(`\nchart: ${chartPath}; level ${level}: ${((Date.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (analysis ${(b.timings.analyseMs / 1000).toFixed(1)} s wall)`);
  const dump = process.env.METADATA_BENCH_DUMP;
  if (dump) {
    mkdirSync(dump, { recursive: true });
    const file = join(dump, `views-${level}${quick ? '-quick' : ''}${config.callsPerMessage === 0 ? '-no-calls' : ''}.json`);
    writeFileSync(file, JSON.stringify({ level, truth: b.truth.ranked, handles: b.population.handles, isWebApp: b.webApp.isWebApp, open: b.webApp.open, views: b.results.filter((r, i, all) => all.findIndex((o) => o.view === r.view) === i).map((r) => r.view) }));
    console.log(`views: ${file}`);
  }
  rows.push(levelRow(b));
  points.push(...costPoints(b, level));
  chance = b.chance.p5;
}
const costChartPath = svg('precision-cost');
writeFileSync(costChartPath, costChart(points, chance));
console.log('\n## Privacy against cost, per level\n');
console.log(levelTable(rows));
console.log('');
console.log(pushProviderTable(config));
console.log(`\ncharts: ${costChartPath}`);
const cpu = process.cpuUsage();
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
process.exit(0);
