/**
 * `npm run bench -- web-storage`: what crypto-shredding costs the web app's saves. The app's
 * sealed storage (packages/web/src/platform/encryptedKv.ts: a fresh key per save, written to
 * the OPFS key file by its worker, a strict IndexedDB commit, the old key zeroed) against the
 * format before it (one key kept in IndexedDB), in one page of Debian's Chromium with its
 * profile on disk, for a record the size of a small device state and one ten times larger.
 * It also checks that the key file is rewritten in place (same inode, same size).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { FLAGS } from '../test/support/browser.ts';

const ROUNDS = Number(process.env.WEB_STORAGE_ROUNDS ?? 40);
const SIZES = [35_000, 350_000];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: fileURLToPath(new URL('./webStorage', import.meta.url)),
    logLevel: 'error',
    publicDir: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
  });
}

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      const body = readFileSync(join(dir, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

/** inode and size of every file of the origin private file system's sandbox (not its index). */
function opfsFiles(profile: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\/t\/\d\d\/\d+$/.test(p)) out.set(p, `${statSync(p).ino}:${statSync(p).size}`);
    }
  };
  walk(join(profile, 'Default', 'File System'));
  return out;
}

type Measure = (which: 'before' | 'after', bytes: number, rounds: number) => Promise<{ save: number; open: number }>;

export async function runWebStorageBench(): Promise<void> {
  const dist = mkdtempSync(join(tmpdir(), 'hardline-bench-webstorage-'));
  const profile = mkdtempSync(join(tmpdir(), 'hardline-bench-profile-'));
  await buildPage(dist);
  const { server, url } = await serve(dist);
  const context = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.waitForFunction(() => 'hardlineStorageBench' in globalThis);
    const run = (which: 'before' | 'after', bytes: number) =>
      page.evaluate(([w, b, r]) => (globalThis as unknown as { hardlineStorageBench: Measure }).hardlineStorageBench(w, b, r), [which, bytes, ROUNDS] as const);
    await run('after', 1_000);
    const keyFileBefore = opfsFiles(profile);
    const rows = [];
    for (const bytes of SIZES) {
      const b = await run('before', bytes);
      const a = await run('after', bytes);
      rows.push({
        record: `${Math.round(bytes / 1000)} KB`,
        'save before (ms)': b.save.toFixed(1),
        'save after (ms)': a.save.toFixed(1),
        'save ×': (a.save / b.save).toFixed(1),
        'open before (ms)': b.open.toFixed(1),
        'open after (ms)': a.open.toFixed(1),
        'open ×': (a.open / b.open).toFixed(1),
      });
    }
    const keyFileAfter = opfsFiles(profile);
    const inPlace = keyFileBefore.size === 1 && [...keyFileBefore].every(([p, v]) => keyFileAfter.get(p) === v);
    console.log(`\nWeb storage at rest: one sealed record, medians of ${ROUNDS} saves and cold opens (Chromium, profile on disk)`);
    console.table(rows);
    console.log(`key file rewritten in place across ${ROUNDS * SIZES.length * 2} saves (same inode and size): ${inPlace ? 'yes' : `NO (${JSON.stringify([...keyFileBefore])} → ${JSON.stringify([...keyFileAfter])})`}`);
  } finally {
    await context.close();
    server.close();
    rmSync(dist, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runWebStorageBench();
