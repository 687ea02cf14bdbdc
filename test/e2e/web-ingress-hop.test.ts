/**
 * The web app through the ingress hop (issue 12), played from the live relay operator's side.
 * The relay names a hop (`--ingress-url`), the hop lists the relay's origin (`--allow-origin`),
 * and two people use the app in Chromium: Alice starts a chat with Bob and writes to him.
 *
 * On loopback every address is 127.0.0.1, so the test looks where the operator and the hop
 * look: on the relay's observer trace, no KeyPackage claim and no post arrives on a connection
 * that authenticated as a device, and each one arrived while the hop was forwarding a request
 * to the relay; from the browser's side, Alice's page never opened the posting WebSocket nor
 * claimed or bought TURN credentials at the relay itself, and posted to the hop under the
 * page's CSP without a violation. Bob reads the message, and Alice's settings name the hop.
 *
 * An app that starts while the relay is out of reach keeps the hop it was last told of; one whose
 * relay stops naming the hop keeps the hop it pinned, and says so.
 *
 * It fails with the web session's `ingress` option removed (posts go over WS /v1/post again,
 * claims straight to the relay), with the hop's CORS answer removed (the page cannot post),
 * and, for the offline step, with the saved announcement ignored. The last step waits for the
 * pin's notice, which an app without the pin never shows (it would post over WS /v1/post); the
 * pin's removal is checked at unit level, packages/web/test/session-hopPin-hostile.test.ts.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startIngressHop, type IngressHopHandle, type ObserverEvent } from '@hardline/server';
import { enrolInBrowser, launchChromium, newPhone, openTab, SCREENSHOTS, startWebRelay, type Phone, type WebRelay } from '../support/browser.ts';
import { waitFor } from '../../packages/server/test/support/waitFor.ts';

const trace: ObserverEvent[] = [];
/** Anonymous actions the relay saw while the hop had a request of its own in flight to it. */
const duringHop = new WeakSet<ObserverEvent>();
let hopInFlight = 0;
let forwarded = 0;
let relay: WebRelay;
let hop: IngressHopHandle;
let browser: Browser;
let alice: Phone;
let bob: Phone;

/** A port free right now: the relay and the hop must each know the other's address before either starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  hop = await startIngressHop({
    target: origin,
    port: 0,
    allowOrigins: [origin],
    upstream: (send) => async (url, body, type, timeout) => {
      forwarded++;
      hopInFlight++;
      try {
        return await send(url, body, type, timeout);
      } finally {
        hopInFlight--;
      }
    },
  });
  [relay, browser] = await Promise.all([
    startWebRelay({
      port,
      ingressUrl: hop.url,
      observer: (e) => {
        // The relay handles the hop's request inside that request: a claim or post it saw while
        // none was in flight came some other way.
        if (hopInFlight > 0) duringHop.add(e);
        trace.push(e);
      },
    }),
    launchChromium(),
  ]);
  [alice, bob] = await Promise.all([newPhone(browser), newPhone(browser)]);
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice.page, relay.url, ca, 'alice', 'Alice'), enrolInBrowser(bob.page, relay.url, cb, 'bob', 'Bob')]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
  await hop?.close();
});

describe('the web app through the ingress hop', () => {
  it('claims and posts reach the relay through the hop, never beside a session, and the message arrives', async () => {
    const mark = trace.length;
    const page = alice.page;
    await openTab(page, 'chats');
    await page.click('button[aria-label="New chat"]');
    await page.click('.sheet button:has-text("bob")');
    await page.fill('textarea[aria-label=Message]', 'through the hop from a browser');
    await page.click('button[aria-label=Send]');
    // At `balanced` the send scheduler waits out a quiet period and a slot; a loaded machine adds more.
    await page.waitForSelector('.msg.mine [data-status=sent]', { timeout: 45_000 });
    await openTab(bob.page, 'chats');
    await bob.page.waitForSelector('[data-chat="d:alice"]', { timeout: 45_000 });
    await bob.page.click('[data-chat="d:alice"]');
    await bob.page.locator('.msg-text', { hasText: 'through the hop from a browser' }).waitFor({ timeout: 45_000 });
    await waitFor(() => trace.slice(mark).some((e) => e.kind === 'claim'), 45_000, 'a claim');

    const acts = trace.slice(mark).filter((e) => e.kind === 'claim' || e.kind === 'post');
    expect(acts.some((e) => e.kind === 'claim')).toBe(true);
    expect(acts.some((e) => e.kind === 'post')).toBe(true);
    const authenticated = new Set(trace.filter((e) => e.kind === 'auth').map((e) => e.conn));
    expect(authenticated.size).toBeGreaterThan(0);
    expect(acts.filter((e) => authenticated.has(e.conn))).toEqual([]);
    // Bob's own posts (his receipt) go through the hop too: every anonymous action does.
    expect(acts.filter((e) => !duringHop.has(e))).toEqual([]);
    expect(forwarded).toBeGreaterThanOrEqual(acts.length);
  });

  it('from the browser: no posting socket, claim, TURN purchase or key config at the relay itself, and no CSP violation', () => {
    const relayOrigin = new URL(relay.url).origin;
    const direct = alice.requests.filter((u) => {
      const url = new URL(u);
      const atRelay = url.origin === relayOrigin || url.origin === relayOrigin.replace('http:', 'ws:');
      // The key config too: asked from Alice's address, the relay could answer with a key of its own (key tagging).
      return atRelay && /^\/v1\/(post|keypackages\/claim|turn\/credentials|blobs\/|ohttp\/keys)/.test(url.pathname);
    });
    expect(direct).toEqual([]);
    expect(alice.requests.some((u) => u.startsWith(hop.url))).toBe(true);
    expect(alice.requests.some((u) => u === `${hop.url}/v1/ohttp/keys`)).toBe(true);
    expect(alice.cspViolations).toEqual([]);
    expect(bob.cspViolations).toEqual([]);
  });

  it('says in the settings that the hop is in use, and whose it is', async () => {
    await openTab(alice.page, 'devices');
    const status = alice.page.locator('[data-ingress-status]');
    await status.waitFor();
    expect(await status.getAttribute('data-ingress-status')).toBe('hop');
    expect(await alice.page.textContent('[data-ingress-origin]')).toBe(new URL(hop.url).host);
    await status.scrollIntoViewIfNeeded();
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'network-privacy-hop.png') });
  });

  it('an app that starts without reaching /v1/org keeps the hop it was last told of', async () => {
    // The relay is unreachable at start, as for a phone opening the app offline; had the app
    // forgotten the hop, its next posts would go straight to the relay once the network came back.
    await alice.page.route('**/v1/org', (r) => r.abort());
    await alice.page.reload();
    await openTab(alice.page, 'devices');
    await alice.page.locator('[data-ingress-status=hop]').waitFor({ timeout: 45_000 });
    await alice.page.unroute('**/v1/org');
    const mark = trace.length;
    const sent = alice.requests.length;
    await openTab(alice.page, 'chats');
    await alice.page.click('[data-chat="d:bob"]');
    await alice.page.fill('textarea[aria-label=Message]', 'still through the hop');
    await alice.page.click('button[aria-label=Send]');
    await openTab(bob.page, 'chats');
    await bob.page.click('[data-chat="d:alice"]');
    await bob.page.locator('.msg-text', { hasText: 'still through the hop' }).waitFor({ timeout: 45_000 });
    const posts = trace.slice(mark).filter((e) => e.kind === 'post');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.filter((e) => !duringHop.has(e))).toEqual([]);
    expect(alice.requests.slice(sent).filter((u) => new URL(u).pathname === '/v1/post')).toEqual([]);
  });

  it('a relay that stops naming the hop: the app keeps the hop it pinned, and says so until the person chooses', async () => {
    // The operator's flag flipped: /v1/org answers without `ingress`. (The page's CSP still names
    // the hop here, since the live relay's flag is unchanged; a CSP that refused it would fail
    // the post closed, packages/web/test/session-hopPin-hostile.test.ts.)
    await alice.page.route('**/v1/org', async (r) => {
      const res = await r.fetch();
      const org = (await res.json()) as Record<string, unknown>;
      delete org.ingress;
      await r.fulfill({ response: res, json: org });
    });
    await alice.page.reload();
    const notice = alice.page.locator('[data-warning=hop-change]');
    await notice.waitFor({ timeout: 45_000 });
    expect(await notice.textContent()).toContain('stopped naming a privacy hop');
    await notice.scrollIntoViewIfNeeded();
    await alice.page.screenshot({ path: join(SCREENSHOTS, 'network-privacy-hop-withdrawn.png') });
    const mark = trace.length;
    const sent = alice.requests.length;
    await openTab(alice.page, 'chats');
    await alice.page.click('[data-chat="d:bob"]');
    await alice.page.fill('textarea[aria-label=Message]', 'pinned hop after a withdrawal');
    await alice.page.click('button[aria-label=Send]');
    await openTab(bob.page, 'chats');
    await bob.page.click('[data-chat="d:alice"]');
    await bob.page.locator('.msg-text', { hasText: 'pinned hop after a withdrawal' }).waitFor({ timeout: 45_000 });
    const posts = trace.slice(mark).filter((e) => e.kind === 'post');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.filter((e) => !duringHop.has(e))).toEqual([]);
    expect(alice.requests.slice(sent).filter((u) => new URL(u).pathname === '/v1/post')).toEqual([]);
    await openTab(alice.page, 'devices');
    expect(await alice.page.locator('[data-ingress-status]').getAttribute('data-ingress-status')).toBe('changed');
    // Kept: the notice shrinks to a line, and stays while the change stands.
    await alice.page.click('[data-action=keep-hop]');
    await alice.page.locator('[data-warning=hop-change][data-kept=true]').waitFor();
    expect(alice.cspViolations).toEqual([]);
    await alice.page.unroute('**/v1/org');
  });
});
