/**
 * `npm run bench -- app-lock`: what the web app lock's passphrase check costs
 * (packages/web/src/lock/passphrase.ts: PBKDF2-SHA-256, 600,000 iterations, WebCrypto). Measured
 * in Debian's Chromium, where the user waits for it at each unlock, and in Node, as a stand-in
 * for an attacker's offline guess on one core once they hold the verifier (which also needs the
 * browser profile's key file: docs/protocol.md §8, §10). Median of ROUNDS.
 */
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { FLAGS } from '../test/support/browser.ts';
import { makeVerifier, matches } from '../packages/web/src/lock/passphrase.ts';

const ROUNDS = Number(process.env.APP_LOCK_ROUNDS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function inNode(): Promise<number[]> {
  const v = await makeVerifier('correct horse battery');
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await matches('wrong guess', v);
    times.push(performance.now() - t);
  }
  return times;
}

async function inChromium(): Promise<number[]> {
  // A loopback origin: WebCrypto needs a secure context, and localhost is one.
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    return await page.evaluate(async (rounds) => {
      const enc = new TextEncoder();
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        const key = await crypto.subtle.importKey('raw', enc.encode('wrong guess'), 'PBKDF2', false, ['deriveBits']);
        await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 600_000 }, key, 256);
        times.push(performance.now() - t);
      }
      return times;
    }, ROUNDS);
  } finally {
    await browser.close();
    server.close();
  }
}

export async function runAppLockBench(): Promise<void> {
  const chromiumMs = median(await inChromium());
  const nodeMs = median(await inNode());
  console.log(`\nApp lock: one passphrase check (PBKDF2-SHA-256, 600,000 iterations), median of ${ROUNDS}`);
  console.table([
    { where: 'Chromium (the user, at each unlock)', ms: Math.round(chromiumMs) },
    { where: 'Node, one core (an offline guess)', ms: Math.round(nodeMs), 'guesses per core-day': Math.round(86_400_000 / nodeMs) },
  ]);
}
