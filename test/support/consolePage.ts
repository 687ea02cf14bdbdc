/**
 * @module test/support/consolePage
 * The security team at the console (/#console) in Chromium: the org key imported from its
 * offline file, the admin token typed in, the key installed at the relay.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { OrgKeyPair } from '@hardline/protocol';
import { tempDir } from './cliHarness.ts';

export async function openConsoleWithKey(page: Page, relay: { url: string; adminToken?: string }, key: OrgKeyPair): Promise<void> {
  const file = join(tempDir('console-key'), 'org.key');
  writeFileSync(file, JSON.stringify({ kind: 'hardline-org-key', v: 1, name: 'Acme', publicKey: key.publicKey, secretKey: key.secretKey }));
  await page.goto(`${relay.url}/#console`);
  await page.setInputFiles('[data-import-key]', file);
  await page.waitForSelector('[data-fingerprint]');
  await page.fill('[data-admin-token]', relay.adminToken!);
  await page.click('[data-refresh]');
  await page.click('[data-install-key]');
  await page.waitForSelector('[data-console-status]:has-text("Install key: done")');
}
