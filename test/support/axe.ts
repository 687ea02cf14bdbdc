/**
 * @module test/support/axe
 * axe-core run inside a page of the app, under the app's own strict CSP. `script-src 'self'`
 * refuses page.addScriptTag (an inline script), and a bypassCSP context would audit a page
 * that runs under a policy no user gets. So axe's source is evaluated through the DevTools
 * protocol (Runtime.evaluate): that is the debugger acting on the page, not a script the page
 * loads, and CSP does not govern it. The page's policy stays exactly as served.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeFinding = { rule: string; impact: string; nodes: number; targets: string[]; help: string };

/** WCAG 2.0–2.2 A and AA, plus axe's best practices (landmarks, one main, region). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export async function runAxe(page: Page): Promise<AxeFinding[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const present = await cdp.send('Runtime.evaluate', { expression: "typeof axe === 'object'", returnByValue: true });
    if (present.result.value !== true) {
      const loaded = await cdp.send('Runtime.evaluate', { expression: AXE_SOURCE });
      if (loaded.exceptionDetails) throw new Error(`axe-core did not load: ${loaded.exceptionDetails.text}`);
    }
    const run = await cdp.send('Runtime.evaluate', {
      expression: `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ rule: v.id, impact: v.impact ?? 'unknown', nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), help: v.help })))`,
      awaitPromise: true,
      returnByValue: true,
    });
    if (run.exceptionDetails) throw new Error(`axe-core failed: ${run.exceptionDetails.exception?.description ?? run.exceptionDetails.text}`);
    return run.result.value as AxeFinding[];
  } finally {
    await cdp.detach();
  }
}

export const isBlocking = (f: AxeFinding) => f.impact === 'serious' || f.impact === 'critical';
