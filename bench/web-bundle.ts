/**
 * `node --import tsx bench/web-bundle.ts`: the web app's JavaScript, gzip-compressed, as a
 * browser fetches it. "Shell" is what index.html loads before anything runs (the entry and its
 * modulepreloads); "signed in" is every script Chromium actually requested while opening the
 * app and enrolling a device against a live relay (the MLS suite's crypto is imported lazily).
 * Target: under 250 KB gzip on first load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureWebBuild } from '../test/support/webBuild.ts';
import { REPO } from '../test/support/cliHarness.ts';
import { enrolInBrowser, launchChromium, newPhone, startWebRelay } from '../test/support/browser.ts';

const DIST = join(REPO, 'packages/web/dist');
const TARGET_KB = 250;

function gz(file: string): number {
  return gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;
}

function kb(n: number): string {
  return (n / 1024).toFixed(1);
}

function shellScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  return [...new Set(refs)];
}

async function signedInScripts(): Promise<string[]> {
  const relay = await startWebRelay();
  const browser = await launchChromium();
  try {
    const { page } = await newPhone(browser);
    const loaded = new Set<string>();
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('.js') && path !== '/sw.js') loaded.add(path.slice(1));
    });
    await enrolInBrowser(page, relay.url, await relay.invite(), 'bench', 'Bench');
    await page.waitForTimeout(1000);
    return [...loaded];
  } finally {
    await browser.close();
    await relay.close();
  }
}

export async function runWebBundleBench(): Promise<void> {
  ensureWebBuild();
  const all = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const shell = shellScripts();
  const signedIn = await signedInScripts();
  const sum = (files: string[]) => files.reduce((n, f) => n + gz(f), 0);
  const rows = [
    { load: 'shell (index.html)', files: shell.length, 'gzip KB': kb(sum(shell)) },
    { load: 'first load, signed in', files: signedIn.length, 'gzip KB': kb(sum(signedIn)) },
    { load: 'all JS in the build', files: all.length, 'gzip KB': kb(sum(all)) },
  ];
  console.log(`\nWeb app JavaScript (gzip -9), target < ${TARGET_KB} KB on first load`);
  console.table(rows);
  const biggest = all.map((f) => ({ file: f, 'gzip KB': kb(gz(f)) })).sort((a, b) => Number(b['gzip KB']) - Number(a['gzip KB'])).slice(0, 5);
  console.table(biggest);
}

if (import.meta.url === `file://${process.argv[1]}`) await runWebBundleBench();
