/**
 * @module exposure.bench
 * Times the exposure report on 1,000,000 synthetic CSV call records (target: under 10 s for
 * parse + analyse). Run with `node --import tsx bench/exposure.bench.ts`; prints a table.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildExposureReport } from '../packages/exposure/src/index.ts';

export type ExposureBenchResult = {
  readonly records: number;
  readonly fileBytes: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly peakRssMiB: number;
  readonly partners: number;
};

/** Writes `records` synthetic calls: 2,000 partners with a heavy-tailed (Zipf-like) share. */
function writeSyntheticCsv(path: string, records: number): void {
  writeFileSync(path, 'timestamp,direction,number,duration\n');
  const start = Date.UTC(2023, 0, 1);
  const spanMs = 365 * 86_400_000;
  let seed = 42;
  const rand = (): number => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
  const directions = ['incoming', 'outgoing', 'missed'] as const;
  const batch: string[] = [];
  for (let i = 0; i < records; i++) {
    const partner = Math.floor(2000 ** rand()); // heavy-tailed: low indices far more common
    const t = new Date(start + Math.floor((i / records) * spanMs)).toISOString().slice(0, 19).replace('T', ' ');
    const number = i % 3 === 0 ? `+31 6 ${String(10_000_000 + partner)}` : `06${String(10_000_000 + partner)}`;
    batch.push(`${t},${directions[Math.floor(rand() * 3)]},${number},${Math.floor(rand() * 900)}`);
    if (batch.length === 50_000) { appendFileSync(path, `${batch.join('\n')}\n`); batch.length = 0; }
  }
  if (batch.length > 0) appendFileSync(path, `${batch.join('\n')}\n`);
}

export function runExposureBench(records = 1_000_000): ExposureBenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-bench-'));
  try {
    const path = join(dir, 'calls.csv');
    writeSyntheticCsv(path, records);
    const fileBytes = statSync(path).size;
    let peakRss = process.memoryUsage.rss();
    const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20);
    const t0 = performance.now();
    const report = buildExposureReport([{ path }], {
      country: 'NL',
      progress: () => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); },
    });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const person = report.people[0];
    if (person?.records !== records) throw new Error(`expected ${records} records, parsed ${person?.records}`);
    return { records, fileBytes, seconds, recordsPerSecond: records / seconds, peakRssMiB: peakRss / 1_048_576, partners: person.partnerCount };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = runExposureBench(Number(process.env.EXPOSURE_BENCH_RECORDS ?? 1_000_000));
  const rows: [string, string][] = [
    ['records', r.records.toLocaleString('en-GB')],
    ['file size', `${(r.fileBytes / 1_048_576).toFixed(1)} MiB`],
    ['partners', String(r.partners)],
    ['seconds (parse + analyse)', r.seconds.toFixed(2)],
    ['records/s', Math.round(r.recordsPerSecond).toLocaleString('en-GB')],
    ['peak RSS', `${r.peakRssMiB.toFixed(0)} MiB`],
    ['target < 10 s', r.seconds < 10 ? 'met' : 'MISSED'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log('exposure report benchmark');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}
