import { statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runExposureCommand } from '../src/cli.ts';
import { tempDir } from './fixtures.ts';
import { writeSampleCircle } from './sampleCircle.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const args = writeSampleCircle(tmp.path);

function io(): { stdout: (s: string) => void; stderr: (s: string) => void; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (s) => out.push(s), stderr: (s) => err.push(s), out, err };
}

describe('HTML report', () => {
  it('is written with mode 0600, and an existing file is chmod-ed to 0600', async () => {
    const path = tmp.path('report.html');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    const o = io();
    expect(await runExposureCommand(['report', ...args, '--out', path, '--utc-offset', '+01:00'], o)).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(o.err.join('')).toContain('mode 0600');
  });

  it('is self-contained: strict CSP, no script, no external URL, names escaped', () => {
    const html = readFileSync(tmp.path('report.html'), 'utf8');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(html).not.toMatch(/<script|javascript:|\son\w+=|style="/i);
    expect(html.match(/(?:src|href)=/g)).toBeNull();
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
    expect(html).toContain('Journalist &#60;b&#62;De Krant&#60;/b&#62;');
    expect(html).not.toContain('<b>De Krant');
    expect(html).toContain('<svg class="heatmap"');
    expect(html).toContain('<svg class="bars"');
    expect(html).toContain('<svg class="graph"');
  });
});

describe('runExposureCommand', () => {
  it('prints a table with every factor, influence paths and recommendations', async () => {
    const o = io();
    expect(await runExposureCommand(['report', ...args, '--utc-offset', '+01:00'], o)).toBe(0);
    const text = o.out.join('');
    expect(text).toContain('PRINCIPAL: Minister (+31610000001)');
    expect(text).toMatch(/Freq\s+Talk\s+Recent\s+Recip\s+Regul/);
    expect(text).toContain('Chief of Staff (+31610000002)');
    expect(text).toContain('PATHS OF INFLUENCE');
    expect(text).toContain('MOVE TO HARDLINE FIRST');
    expect(text).toContain('BRIEF AS LIKELY TARGETS');
  });

  it('prints one JSON object with --json', async () => {
    const o = io();
    expect(await runExposureCommand(['report', ...args, '--json'], o)).toBe(0);
    const json = JSON.parse(o.out.join(''));
    expect(json.version).toBe(1);
    expect(json.people).toHaveLength(3);
    expect(json.people[0].ranking[0].partner).toBe('+31610000002');
    expect(Object.keys(json.people[0].ranking[0].factors).sort()).toEqual(['frequency', 'recency', 'reciprocity', 'regularity', 'talkTime']);
    expect(json.influence.contacts.length).toBeGreaterThan(0);
  });

  it('maps errors to exit codes and one-line messages', async () => {
    let o = io();
    expect(await runExposureCommand([], o)).toBe(2);
    expect(o.err.join('')).toContain('Usage:');
    o = io();
    expect(await runExposureCommand(['--help'], o)).toBe(0);
    o = io();
    expect(await runExposureCommand(['report', tmp.path('missing.csv')], o)).toBe(1);
    expect(o.err.join('')).toMatch(/^hardline exposure: NOT_FOUND: /);
    o = io();
    expect(await runExposureCommand(['frobnicate'], o)).toBe(2);
    o = io();
    expect(await runExposureCommand(['report', 'x.csv', '--bogus'], o)).toBe(2);
    o = io();
    expect(await runExposureCommand(['report', 'x.csv', '--utc-offset', 'soon'], o)).toBe(2);
    o = io();
    expect(await runExposureCommand(['report', ...args, '--out', tmp.path('r.pdf')], o)).toBe(2);
  });

  it('draws a progress bar on a TTY for large files only', async () => {
    const big = tmp.path('big.csv');
    const lines = ['time,number,direction,duration'];
    for (let i = 0; i < 260_000; i++) lines.push(`2024-01-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00:00,06${String(10_000_000 + (i % 500))},${i % 2 ? 'in' : 'out'},${i % 600}`);
    writeFileSync(big, lines.join('\n'));
    expect(statSync(big).size).toBeGreaterThan(8 * 1024 * 1024);
    const o = { ...io(), isTTY: true };
    expect(await runExposureCommand(['report', big, '--top', '3'], o)).toBe(0);
    expect(o.err.join('')).toMatch(/\r\[#+\] 100% /);
    const quiet = io();
    expect(await runExposureCommand(['report', big, '--top', '3'], quiet)).toBe(0);
    expect(quiet.err.join('')).toBe('');
  });
});
