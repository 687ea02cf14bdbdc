/**
 * A 2 GB junk file is refused early (issue 5, "Bad input"). The files are sparse: made with
 * ftruncate to 2 GiB, so they cost no disk and no time to create, and they read back as zero
 * bytes wherever nothing was written. `hardline exposure report` (runExposureCommand, the CLI's
 * own entry point, with the progress bar on) must refuse each one with a format error in well
 * under a few seconds, without reading the file through and without memory growing.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { runExposureCommand } from '../src/cli.ts';
import { tempDir } from './fixtures.ts';

const TWO_GIB = 2 ** 31;
const MIB = 1 << 20;

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A 2 GiB sparse file holding `head` at its start and zero bytes after it. */
function sparseFile(name: string, head: Buffer = Buffer.alloc(0)): string {
  const path = tmp.path(name);
  const fd = openSync(path, 'w');
  try {
    if (head.length > 0) writeSync(fd, head, 0, head.length, 0);
    ftruncateSync(fd, TWO_GIB);
  } finally {
    closeSync(fd);
  }
  return path;
}

async function refuse(path: string): Promise<{ code: number; stderr: string; rssGrowthMiB: number }> {
  let stderr = '';
  let stdout = '';
  const rss0 = process.memoryUsage.rss();
  const code = await runExposureCommand(['report', path], {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    isTTY: true,
  });
  expect(stdout).toBe('');
  return { code, stderr, rssGrowthMiB: (process.memoryUsage.rss() - rss0) / MIB };
}

describe('a 2 GB junk file is refused early', () => {
  it('all zero bytes: refused from the first bytes, nothing streamed', async () => {
    const r = await refuse(sparseFile('zeros.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hardline exposure: UNRECOGNISED_FORMAT: .*binary content/);
    expect(r.stderr).not.toContain('%'); // no progress bar: the stream was never started
    expect(r.rssGrowthMiB).toBeLessThan(32);
  });

  it('random bytes in the first MB, zeros after: refused from the first bytes', async () => {
    const r = await refuse(sparseFile('random.csv', randomBytes(MIB)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hardline exposure: UNRECOGNISED_FORMAT: /);
    expect(r.stderr).not.toContain('%');
    expect(r.rssGrowthMiB).toBeLessThan(32);
  });

  it('a real CSV head that turns into 2 GB of junk: the stream stops at the first oversized line', async () => {
    // 3 MB of good records gets past format detection (it reads 64 KB) and far enough for the
    // progress bar to be drawn, so this one is refused by the streaming reader: the first "line"
    // of junk outgrows the line limit within the next 1 MB chunk.
    const lines = ['time,direction,number,duration'];
    for (let i = 0; i < 80_000; i++) lines.push(`2024-01-01 10:${String(i % 60).padStart(2, '0')},outgoing,0612345${String(i % 1000).padStart(3, '0')},60`);
    const r = await refuse(sparseFile('good-then-junk.csv', Buffer.from(`${lines.join('\n')}\n`)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/hardline exposure: TOO_LARGE: .*not a call log/);
    // The progress bar shows how far it read before giving up: a few MB of the 2,048.
    const progress = [...r.stderr.matchAll(/(\d+)\/(\d+) MB/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(progress.length).toBeGreaterThan(0);
    for (const [done, total] of progress) {
      expect(total).toBe(2048);
      expect(done).toBeLessThanOrEqual(5);
    }
    expect(r.rssGrowthMiB).toBeLessThan(64);
  });
});
