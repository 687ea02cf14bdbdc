/**
 * @module run
 * `npm run bench:metadata`: the metadata benchmark of issue 5 part 2. Prints its tables and
 * writes bench/metadata/precision.svg. METADATA_BENCH_QUICK=1 runs the small configuration the
 * end-to-end test uses.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FULL_CONFIG, QUICK_CONFIG } from './benchConfig.ts';
import { runBenchmark } from './benchmarkRun.ts';
import { precisionChart } from './precisionChart.ts';
import { resultsTable, seizureLines, summaryLines } from './reportTables.ts';
import { pushProviderTable } from './pushProviderReport.ts';
import { callLines } from './callReport.ts';
import { costChart } from './costChart.ts';
import { costLines, costPoints } from './costReport.ts';

const quick = process.env.METADATA_BENCH_QUICK === '1';
const started = Date.now();
const b = await runBenchmark(quick ? QUICK_CONFIG : FULL_CONFIG);
const chartPath = fileURLToPath(new URL(quick ? './precision-quick.svg' : './precision.svg', import.meta.url));
writeFileSync(chartPath, precisionChart(b));
const costChartPath = fileURLToPath(new URL(quick ? './precision-cost-quick.svg' : './precision-cost.svg', import.meta.url));
writeFileSync(costChartPath, costChart(costPoints(b), b.chance.p5));
console.log(`# Metadata benchmark (${quick ? 'quick' : 'full'})\n`);
console.log(summaryLines(b));
console.log('');
console.log(resultsTable(b));
console.log('');
console.log(seizureLines(b));
console.log('');
console.log(callLines(b.calls.calls, b.callPairings));
console.log('');
console.log(costLines(b));
console.log('');
console.log(pushProviderTable(quick ? QUICK_CONFIG : FULL_CONFIG));
console.log(`\ncharts: ${chartPath}, ${costChartPath}`);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s (analysis ${(b.timings.analyseMs / 1000).toFixed(1)} s)`);
process.exit(0);
