/**
 * @module test/support/pageDiagnosis
 * What each open page showed when a browser test failed: its screens, any blocking alert, its
 * notices, the start of its text, and its last console errors. A CI log keeps only the failure
 * section, and "waiting for locator(...)" alone cannot tell a lost contact from a modal that
 * covers the screen; this puts the page's state in that section, as a second error of the test.
 * Registered once per test file, by importing it (test/support/browser.ts does).
 */
import { afterEach } from 'vitest';
import type { Page } from 'playwright-core';

const watched: { label: string; page: Page; errors: string[] }[] = [];

/** Keeps `page` for the report; `label` names it there (the phone's number if none is given). */
export function watchPage(page: Page, label = `page ${watched.length + 1}`): void {
  const errors: string[] = [];
  watched.push({ label, page, errors });
  const keep = (line: string) => {
    errors.push(line.slice(0, 300));
    if (errors.length > 8) errors.shift();
  };
  page.on('pageerror', (e) => keep(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') keep(`${m.type()}: ${m.text()}`);
  });
}

async function describe(page: Page): Promise<unknown> {
  if (page.isClosed()) return 'closed';
  return page
    .evaluate(() => ({
      url: location.pathname + location.hash.slice(0, 20),
      screens: [...document.querySelectorAll('[data-screen]')].map((e) => e.getAttribute('data-screen')),
      alert: document.querySelector('[data-alert]')?.getAttribute('data-alert') ?? null,
      notices: [...document.querySelectorAll('[data-notice]')].map((e) => `${e.getAttribute('data-notice')}: ${e.textContent?.slice(0, 120)}`),
      text: document.body.innerText.replace(/\s+/g, ' ').slice(0, 400),
    }))
    .catch((e: unknown) => `unreadable: ${String(e).slice(0, 200)}`);
}

// Only inside a test run: the benchmarks (bench/appLock, webStorage) drive Chromium through
// browser.ts outside vitest, where registering a hook throws and stopped `npm run bench` at load.
if (process.env.VITEST) afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail' || watched.length === 0) return;
  const lines: string[] = [];
  for (const w of watched) lines.push(`${w.label}: ${JSON.stringify(await describe(w.page))}${w.errors.length ? `\n  last errors: ${w.errors.join(' | ')}` : ''}`);
  const report = `the pages when "${ctx.task.name}" failed:\n${lines.join('\n')}`;
  // Printed as well: when the retry (vitest.config.ts) passes, the thrown report is dropped.
  console.warn(report);
  throw new Error(report);
});
