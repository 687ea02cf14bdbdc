/**
 * Issue 9.6 in the web app: a relay that, from the web user's enrolment on, names her a log key
 * of its own and answers her from a separate log (test/support/forkedLog.ts, played on her page's
 * requests). Her app is caught out at the next message with bob, and it shows the same blocking
 * split-view alert as a forked log, saying that the server kept a separate log for one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { HardlineClient } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { newLogKey } from '@hardline/protocol';
import { enrol, readTexts } from '../support/clients.ts';
import { enrolInBrowser, launchChromium, newPhone, startWebRelay, type WebRelay } from '../support/browser.ts';
import { forkLogFor, routeBrowserThroughFork } from '../support/forkedLog.ts';

let relay: WebRelay;
let browser: Browser;
let alice: Page;
let bob: HardlineClient;

beforeAll(async () => {
  [relay, browser] = await Promise.all([startWebRelay(), launchChromium()]);
  const phone = await newPhone(browser);
  alice = phone.page;
  await routeBrowserThroughFork(phone.context, forkLogFor(relay, nodeTransport, { logKey: newLogKey() }));
  await enrolInBrowser(alice, relay.url, await relay.invite(), 'alice', 'Alice');
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
}, 120_000);

afterAll(async () => {
  bob?.close();
  await browser?.close();
  await relay?.close();
});

describe('web app: a relay that gave alice another log key than bob from her enrolment', () => {
  it('is caught at the next message between them, and her app blocks on the split-view alert', async () => {
    await alice.click('button[aria-label="New chat"]');
    await alice.click('.sheet button:has-text("bob")');
    await alice.fill('textarea[aria-label=Message]', 'hello bob');
    await alice.click('button[aria-label=Send]');
    expect(await readTexts(bob, 30_000)).toEqual(['hello bob']);
    expect(bob.splitView()).toMatchObject({ code: 'SPLIT_VIEW', reason: 'different-log-key', from: 'alice' });

    await bob.send('alice', 'hello alice');
    const alert = await alice.waitForSelector('[data-alert=split-view][data-reason=different-log-key] [role=alertdialog]', { timeout: 45_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/message from bob/i);
    expect(text).toMatch(/separate key log/);
    expect(text).toMatch(/security team/);
  });
});
