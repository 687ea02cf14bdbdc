/**
 * @module exposure.bench
 * Times the exposure report on 1,000,000 synthetic CSV call records (target: under 10 s for
 * parse + analyse). Run with `node --import tsx bench/exposure.bench.ts`; prints a table.
 * EXPOSURE_BENCH_RECORDS=N sets the record count; EXPOSURE_BENCH_BYTES=2147483648 instead writes
 * a file of that size (2 GiB: about 48 million records), streamed to disk in batches, never
 * held in memory, to show that a log of any size is processed as a stream in bounded memory.
 * From the command line the report's own progress bar is drawn on stderr while it runs.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildExposureReport } from '../packages/exposure/src/index.ts';
import { createProgressBar } from '../packages/exposure/src/render/progressBar.ts';

export type ExposureBenchResult = {
  readonly records: number;
  readonly fileBytes: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly peakRssMiB: number;
  readonly partners: number;
  /** Time to write the synthetic file, not part of the measurement. */
  readonly generateSeconds: number;
};

/** Size of the synthetic file: a number of records, or (about) a number of bytes. */
export type ExposureBenchSize = { readonly records: number } | { readonly bytes: number };

/**
 * Writes synthetic calls, 2,000 partners with a heavy-tailed (Zipf-like) share, spread evenly
 * over one year, in batches straight to disk. Returns how many records it wrote.
 */
export function writeSyntheticCsv(path: string, size: ExposureBenchSize): number {
  const fd = openSync(path, 'w');
  try {
    let written = writeSync(fd, 'timestamp,direction,number,duration\n');
    const start = Date.UTC(2023, 0, 1);
    const spanMs = 365 * 86_400_000;
    let seed = 42;
    const rand = (): number => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    const directions = ['incoming', 'outgoing', 'missed'] as const;
    const byRecords = 'records' in size;
    const batch: string[] = [];
    let i = 0;
    for (;;) {
      // Time runs through the year with progress through the file, however it is sized.
      const fraction = byRecords ? i / size.records : written / size.bytes;
      if (fraction >= 1) break;
      const partner = Math.floor(2000 ** rand()); // heavy-tailed: low indices far more common
      const t = new Date(start + Math.floor(fraction * spanMs)).toISOString().slice(0, 19).replace('T', ' ');
      const number = i % 3 === 0 ? `+31 6 ${String(10_000_000 + partner)}` : `06${String(10_000_000 + partner)}`;
      batch.push(`${t},${directions[Math.floor(rand() * 3)]},${number},${Math.floor(rand() * 900)}`);
      i++;
      // By bytes, flush often enough that the size (and the clock) is tracked closely.
      if (batch.length === (byRecords ? 50_000 : 1_000)) { written += writeSync(fd, `${batch.join('\n')}\n`); batch.length = 0; }
    }
    if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`);
    return i;
  } finally {
    closeSync(fd);
  }
}

export function runExposureBench(size: ExposureBenchSize = { records: 1_000_000 }, options: { progressBar?: boolean } = {}): ExposureBenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-bench-'));
  try {
    const path = join(dir, 'calls.csv');
    const g0 = performance.now();
    const records = writeSyntheticCsv(path, size);
    const generateSeconds = (performance.now() - g0) / 1000;
    const fileBytes = statSync(path).size;
    let peakRss = process.memoryUsage.rss();
    const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 20);
    const bar = options.progressBar === true ? createProgressBar((s) => process.stderr.write(s)) : undefined;
    const t0 = performance.now();
    const report = buildExposureReport([{ path }], {
      country: 'NL',
      progress: (done, total, file) => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        bar?.progress(done, total, file);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    bar?.finish();
    clearInterval(timer);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const person = report.people[0];
    if (person?.records !== records) throw new Error(`expected ${records} records, parsed ${person?.records}`);
    return { records, fileBytes, seconds, recordsPerSecond: records / seconds, peakRssMiB: peakRss / 1_048_576, partners: person.partnerCount, generateSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bytes = process.env.EXPOSURE_BENCH_BYTES;
  const r = runExposureBench(
    bytes !== undefined ? { bytes: Number(bytes) } : { records: Number(process.env.EXPOSURE_BENCH_RECORDS ?? 1_000_000) },
    { progressBar: true },
  );
  const rows: [string, string][] = [
    ['records', r.records.toLocaleString('en-GB')],
    ['file size', `${(r.fileBytes / 1_048_576).toFixed(1)} MiB`],
    ['generated in', `${r.generateSeconds.toFixed(1)} s (not counted)`],
    ['partners', String(r.partners)],
    ['seconds (parse + analyse)', r.seconds.toFixed(2)],
    ['records/s', Math.round(r.recordsPerSecond).toLocaleString('en-GB')],
    ['peak RSS', `${r.peakRssMiB.toFixed(0)} MiB`],
    ['target < 10 s per 1M records', (r.seconds / r.records) * 1e6 < 10 ? 'met' : 'MISSED'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log('exposure report benchmark');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
}
