/**
 * @module exposureBrowser.bench
 * The console's exposure report (packages/exposure/src/browserReport.ts: a File read in 1 MiB
 * slices, decoded and split in JavaScript) against the CLI's (buildExposureReport: the file
 * streamed with readSync) on the same synthetic CSV, in one process, alternating, median of
 * the rounds. Run with `npm run bench -- exposure-browser`; EXPOSURE_BENCH_RECORDS=N sets the
 * size (default 1,000,000). The File stand-in reads its slices from disk, as a browser's does.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyseLogFiles, type LogFile } from '../packages/exposure/src/browser.ts';
import { buildExposureReport } from '../packages/exposure/src/index.ts';
import { writeSyntheticCsv } from './exposure.bench.ts';

export type ExposureBrowserRow = { readonly path: string; readonly records: number; readonly medianSeconds: number; readonly recordsPerSecond: number; readonly vsCli: string };

function fileOnDisk(path: string): LogFile {
  const size = statSync(path).size;
  return {
    name: 'calls.csv',
    size,
    slice: (start, end) => ({
      arrayBuffer: async () => {
        const buf = Buffer.allocUnsafe(end - start);
        const fd = openSync(path, 'r');
        try {
          readSync(fd, buf, 0, end - start, start);
        } finally {
          closeSync(fd);
        }
        return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
      },
    }),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function runExposureBrowserBench(records = 1_000_000, rounds = 3): Promise<ExposureBrowserRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-browser-bench-'));
  try {
    const path = join(dir, 'calls.csv');
    writeSyntheticCsv(path, { records });
    const cli: number[] = [];
    const browser: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      const a = buildExposureReport([{ path }], { country: 'NL' });
      cli.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      const b = await analyseLogFiles([{ label: 'principal', files: [fileOnDisk(path)] }], { country: 'NL' });
      browser.push((performance.now() - t0) / 1000);
      if (a.people[0]!.records !== records || b.people[0]!.records !== records) throw new Error('a path lost records');
    }
    const c = median(cli);
    const w = median(browser);
    return [
      { path: 'CLI (readSync, 1 MiB chunks)', records, medianSeconds: +c.toFixed(2), recordsPerSecond: Math.round(records / c), vsCli: '1.00' },
      { path: 'console (File slices, TextDecoder)', records, medianSeconds: +w.toFixed(2), recordsPerSecond: Math.round(records / w), vsCli: (w / c).toFixed(2) },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await runExposureBrowserBench(Number(process.env.EXPOSURE_BENCH_RECORDS ?? 1_000_000)));
}
