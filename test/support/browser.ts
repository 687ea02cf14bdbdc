/**
 * @module test/support/browser
 * Debian's Chromium driven by playwright-core, and the relay serving the built web app, for
 * the web app's end-to-end tests. Each user gets their own browser context (their own
 * IndexedDB), at a phone's size unless asked otherwise.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { RelayApi } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { startRelay, type RelayHandle, type RelayOptions } from '@hardline/server';
import { REPO, tempDir } from './cliHarness.ts';
import { watchPage } from './pageDiagnosis.ts';

export const SCREENSHOTS = join(REPO, 'test/e2e/screenshots');

export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true });
}

export type WebRelay = RelayHandle & { dataDir: string; logs: string[]; invite(): Promise<string> };

/** `extra`: further relay options, such as an observer for a test that plays the live operator. */
export async function startWebRelay(extra: Partial<RelayOptions> = {}): Promise<WebRelay> {
  const dataDir = tempDir('web-relay');
  const logs: string[] = [];
  const relay = await startRelay({ port: 0, dataDir, log: (l) => logs.push(l), webRoot: join(REPO, 'packages/web/dist'), ...extra });
  const api = new RelayApi(new URL(relay.url), nodeTransport);
  return Object.assign(relay, { dataDir, logs, invite: async () => (await api.adminInvite(relay.adminToken!)).code });
}

export const PHONE = { width: 375, height: 760 };

export type Phone = {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested, WebSockets included. */
  requests: string[];
  /** Console reports of Content-Security-Policy violations. */
  cspViolations: string[];
};

export async function newPhone(browser: Browser, viewport = PHONE): Promise<Phone> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 2, serviceWorkers: 'block' });
  const page = await context.newPage();
  const requests: string[] = [];
  const cspViolations: string[] = [];
  page.setDefaultTimeout(15_000);
  watchPage(page);
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page, requests, cspViolations };
}

/** Enrols through the onboarding screen, arriving by an enrolment link. */
export async function enrolInBrowser(page: Page, url: string, code: string, handle: string, displayName: string): Promise<void> {
  await page.goto(`${url}/#enrol=${encodeURIComponent(code)}`);
  await page.fill('input[name=handle]', handle);
  await page.fill('input[name=displayName]', displayName);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
}

/** Every byte the relay keeps on disk (SQLite and its WAL), as one buffer. */
export function relayFiles(dataDir: string): Buffer {
  return Buffer.concat(readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f))));
}

export function containsText(haystack: Buffer, needle: string): boolean {
  return haystack.includes(Buffer.from(needle, 'utf8')) || haystack.includes(Buffer.from(needle, 'utf16le'));
}

/** Leaves whatever detail screen is open and switches to a tab. */
export async function openTab(page: Page, tab: 'chats' | 'contacts' | 'devices'): Promise<void> {
  for (let i = 0; i < 4 && (await page.locator('.detail-pane button[aria-label=Back]').isVisible()); i++) {
    await page.click('.detail-pane button[aria-label=Back]');
  }
  await page.click(`[data-tab=${tab}]`);
}
