/**
 * The console's exposure report (browserReport.ts): from Files read slice by slice, with no
 * Node module in its import graph, it must reach the same ranking, influence paths and
 * recommendations as the CLI's file path, and refuse junk with the same typed errors.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseLogFiles } from '../src/browserReport.ts';
import { briefFirst } from '../src/briefFirst.ts';
import { buildExposureReport } from '../src/exposureReport.ts';
import { parseLogArgument } from '../src/logArgument.ts';
import { androidRecordReader } from '../src/formats/androidRecords.ts';
import { pieceSplitter } from '../src/pieceSplitter.ts';
import { tempDir } from './fixtures.ts';
import { CIRCLE, writeSampleCircle } from './sampleCircle.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const SRC = join(dirname(fileURLToPath(import.meta.url)), '../src');
const file = (path: string) => new File([readFileSync(path)], path.split('/').pop()!);

/** Every module browser.ts reaches, by its relative imports. */
function importGraph(start: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    const text = readFileSync(path, 'utf8');
    seen.set(path, text);
    for (const m of text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gm)) visit(join(dirname(path), m[1]!));
  };
  visit(start);
  return seen;
}

describe('the exposure report in a browser', () => {
  it('imports no Node module and no SQLite, so the web bundle can carry it', () => {
    const graph = importGraph(join(SRC, 'browser.ts'));
    expect(graph.size).toBeGreaterThan(10);
    for (const [path, text] of graph) {
      expect(text, path).not.toMatch(/from '(node:|fs|path|better-sqlite3)/);
      expect(text, path).not.toMatch(/\bBuffer\./);
    }
  });

  it.each([['csv', 'minister.csv'], ['iphone', 'minister.storedata']] as const)('reaches the same report as the CLI from the same files (principal: %s)', async (format, principal) => {
    const args = writeSampleCircle(tmp.path, format);
    const cli = buildExposureReport(args.slice(0, 3).map(parseLogArgument), { namesFile: args[4] });
    const browser = await analyseLogFiles([
      { label: 'Minister', owner: CIRCLE.principal, files: [file(tmp.path(principal)), file(tmp.path('contacts.vcf'))] },
      { label: 'Chief of Staff', owner: CIRCLE.chiefOfStaff, files: [file(tmp.path('chief-of-staff.xml'))] },
      { label: 'Spokesperson', owner: CIRCLE.spokesperson, files: [file(tmp.path('spokesperson.csv'))] },
    ]);
    expect(browser.people[0]!.records).toBeGreaterThan(300);
    expect(browser.people.map((p) => p.ranking)).toEqual(cli.people.map((p) => p.ranking));
    expect(browser.influence).toEqual(cli.influence);
    expect(browser.recommendations).toEqual(cli.recommendations);
    expect(browser.recommendations.briefAsTargets[0]!.name).toBeTruthy();
  });

  it('stops when cancelled, with a typed error', async () => {
    writeSampleCircle(tmp.path, 'csv');
    const cancel = new AbortController();
    cancel.abort();
    await expect(analyseLogFiles([{ label: 'Minister', files: [file(tmp.path('minister.csv'))] }], { signal: cancel.signal })).rejects.toMatchObject({ code: 'USAGE', message: 'analysis cancelled' });
  });

  it('reports progress up to the total size', async () => {
    writeSampleCircle(tmp.path, 'csv');
    const seen: [number, number][] = [];
    await analyseLogFiles([{ label: 'Minister', files: [file(tmp.path('minister.csv'))] }], { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
  });

  it('refuses junk and a truncated export with typed errors', async () => {
    await expect(analyseLogFiles([{ label: 'M', files: [new File(['\0\x01binary'], 'x.bin')] }])).rejects.toMatchObject({ code: 'UNRECOGNISED_FORMAT' });
    await expect(analyseLogFiles([{ label: 'M', files: [new File([''], 'empty.csv')] }])).rejects.toMatchObject({ code: 'EMPTY' });
    const xml = readFileSync(tmp.path('chief-of-staff.xml'), 'utf8');
    await expect(analyseLogFiles([{ label: 'M', files: [new File([xml.slice(0, xml.length - 40)], 'cut.xml')] }])).rejects.toMatchObject({ code: 'PARSE' });
    await expect(analyseLogFiles([{ label: 'M', files: [new File([`Date,Number\n${'9'.repeat(70_000)}`], 'long.csv')] }])).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(analyseLogFiles([])).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('splits pieces the same whatever the chunk boundaries', () => {
    const xml = readFileSync(tmp.path('chief-of-staff.xml'), 'utf8');
    const count = (chunk: number) => {
      let n = 0;
      const reader = androidRecordReader('x', { country: 'NL', utcOffsetMinutes: 0 }, () => n++);
      const s = pieceSplitter('>', 1 << 20, 'x', reader);
      for (let i = 0; i < xml.length; i += chunk) s.push(xml.slice(i, i + chunk));
      s.end();
      reader.finish();
      return n;
    };
    expect(count(7)).toBe(count(1 << 20));
    expect(count(1)).toBe(count(7));
  });
});

describe('brief these people first', () => {
  it('lists each person once, advisers and top partners before likely approaches, with every reason', async () => {
    writeSampleCircle(tmp.path, 'csv');
    const report = await analyseLogFiles([
      { label: 'Minister', owner: CIRCLE.principal, files: [file(tmp.path('minister.csv')), file(tmp.path('contacts.vcf'))] },
      { label: 'Chief of Staff', owner: CIRCLE.chiefOfStaff, files: [file(tmp.path('chief-of-staff.xml'))] },
    ]);
    const list = briefFirst(report, 20);
    expect(new Set(list.map((t) => t.who)).size).toBe(list.length);
    expect(list[0]).toMatchObject({ name: 'Chief of Staff' });
    // The spokesperson is both a top partner and a route to the principal: one entry, both reasons.
    expect(list.filter((t) => t.name === 'Spokesperson')).toHaveLength(1);
    expect(list.find((t) => t.name === 'Spokesperson')!.reasons.join(' ')).toMatch(/partner of the principal.*influence/);
    expect(briefFirst(report, 3)).toHaveLength(3);
  });
});
