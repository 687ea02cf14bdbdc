/**
 * @module test/support/webBuild
 * Builds packages/web once when dist is missing or older than any of its sources (its own
 * and the client, protocol and exposure packages it bundles). Runs as vitest's global setup, so test
 * files running in parallel never build at the same time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './cliHarness.ts';

const WEB = join(REPO, 'packages/web');
const SOURCES = ['packages/web/src', 'packages/web/public', 'packages/web/index.html', 'packages/web/vite.config.ts', 'packages/web/package.json', 'packages/client/src', 'packages/protocol/src', 'packages/exposure/src'];

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newest(join(path, e)));
  return max;
}

export function webBuildIsStale(): boolean {
  const built = join(WEB, 'dist/index.html');
  if (!existsSync(built)) return true;
  const at = statSync(built).mtimeMs;
  return SOURCES.some((s) => existsSync(join(REPO, s)) && newest(join(REPO, s)) > at);
}

export function ensureWebBuild(): void {
  if (!webBuildIsStale()) return;
  execFileSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: ['ignore', 'inherit', 'inherit'] });
}

export default function setup(): void {
  ensureWebBuild();
}
