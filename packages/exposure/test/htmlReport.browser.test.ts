/**
 * End to end: the HTML report rendered in a real Chromium. Asserts that opening it makes no
 * request beyond loading the file itself (no fonts, images, beacons), that the CSP leaves
 * nothing blocked that the page uses, and saves a screenshot for review.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { runExposureCommand } from '../src/cli.ts';
import { tempDir } from './fixtures.ts';
import { writeSampleCircle } from './sampleCircle.ts';

const CHROMIUM = '/usr/bin/chromium';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SCREENSHOT = join(REPO_ROOT, 'test/e2e/screenshots/exposure-report.png');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!existsSync(CHROMIUM))('HTML report in Chromium', () => {
  it('renders with no request leaving the page and no CSP violation', async () => {
    const out = tmp.path('report.html');
    const args = writeSampleCircle(tmp.path);
    const code = await runExposureCommand(['report', ...args, '--out', out, '--utc-offset', '+01:00'], { stdout: () => undefined, stderr: () => undefined });
    expect(code).toBe(0);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
      const url = pathToFileURL(out).href;
      const requests: string[] = [];
      const consoleErrors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      await page.goto(url, { waitUntil: 'load' });
      const violations = await page.evaluate(() => new Promise<number>((ok) => {
        let n = 0;
        document.addEventListener('securitypolicyviolation', () => n++);
        setTimeout(() => ok(n), 200);
      })).catch(() => -1); // evaluate is allowed: CSP governs page scripts, not the debugger
      expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(violations).toBeLessThanOrEqual(0);
      // The styles applied: the header has its dark background, so the hashed <style> passed CSP.
      const headerBg = await page.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundImage);
      expect(headerBg).toContain('linear-gradient');
      expect(await page.locator('svg.heatmap').count()).toBeGreaterThan(3);
      expect(await page.locator('h2', { hasText: 'Paths of influence' }).count()).toBe(1);
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
