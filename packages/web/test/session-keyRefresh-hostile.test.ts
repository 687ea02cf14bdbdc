/**
 * @module session-keyRefresh-hostile.test
 * The relay rotates its Oblivious HTTP key (the gateway publishes a new one every 30 days and
 * accepts the old one 7 more). The service worker never fetches a config: it uses the one the
 * page kept (session/keptKeyConfig.ts), so an open page must renew it through the hop, on its
 * own timer (session/pageHop.ts `refreshKeys`, every KEY_CONFIG_REFRESH_MS). A page that never
 * renews leaves the worker a config that goes stale, and its wake-up posts then stop, or go under
 * a key the other devices left behind (which stands out to the relay). The renewal must go
 * through the pinned hop, never to the relay from this device's address; not before it is due
 * (a fetch at every tick is a heartbeat the relay can count); and, with no hop, not at all.
 *
 * The session runs against the relay stand-in (relayStandIn.ts), as in the other session-*-hostile
 * tests; its one-second tick is stubbed out and called by hand with the clock moved.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import { toBase64Url } from '@hardline/protocol';
import { HOP, RELAY } from './relayStandIn.ts';
import { engines, pagePerTest, sealed } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
vi.mock('../src/session/syncLoop.ts', () => import('./sessionStandIns.ts').then((m) => m.syncLoop));
vi.mock('../src/calls/callManager.ts', () => import('./sessionStandIns.ts').then((m) => m.callManager));
vi.mock('../src/session/pushWakeUps.ts', () => import('./sessionStandIns.ts').then((m) => m.pushWakeUps));
vi.mock('../src/contacts/contactBookAdapter.ts', () => import('./sessionStandIns.ts').then((m) => m.contactBookAdapter));
// A held action's release delay kept short: the unknown-hop case below waits for it.
vi.mock('../src/session/pendingHop.ts', async (original) => ({
  ...(await original<typeof import('../src/session/pendingHop.ts')>()),
  heldReleaseDelayMs: () => 10,
}));
vi.mock('@hardline/client', (original) => import('./sessionStandIns.ts').then((m) => m.clientModule(original)));

const { Session } = await import('../src/session/session.ts');
const { KEY_CONFIG_REFRESH_MS } = await import('../src/session/keptKeyConfig.ts');

const page = pagePerTest(RELAY);
const { listeners, sessions } = page;

afterEach(() => {
  vi.restoreAllMocks();
});

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));
/** The session's one-second tick, stubbed out in these tests, run at `at`. */
async function tickAt(s: object, at: number) {
  vi.spyOn(Date, 'now').mockReturnValue(at);
  await (s as unknown as { tick(): Promise<void> }).tick();
  vi.mocked(Date.now).mockRestore();
  await settle();
}
const keyFetches = () => page.net.relay.seen.filter((x) => x.endsWith('keys'));
/** The relay's next key: a config the page has never seen. */
const rotated = new Uint8Array(encodeKeyConfigs([gatewayKey(2).config]));

/** Starts the page with the clock stopped at `at`, the time the engine fetched its config. */
async function start(at = Date.now()) {
  vi.spyOn(Date, 'now').mockReturnValue(at);
  const s = (await Session.resume())!;
  sessions.push(s);
  await settle();
  vi.mocked(Date.now).mockRestore();
  return s;
}

describe('a relay that rotates its key config while the app is open', () => {
  it('has the new config fetched through the hop, and kept for the service worker, once the renewal is due; never from the relay', async () => {
    const t0 = Date.now();
    const s = await start(t0);
    // The engine fetched the config through the hop as it opened.
    expect(keyFetches()).toEqual(['hop keys']);
    page.net.relay.config = rotated;
    page.net.relay.seen.length = 0;
    // Not before it is due: a fetch at every tick would be a heartbeat the relay counts.
    await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS / 2);
    await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS - 1);
    expect(keyFetches()).toEqual([]);
    // Due at the period itself.
    await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS);
    expect(keyFetches()).toEqual(['hop keys']);
    expect(sealed.get('ingress-keys')).toMatchObject({ config: toBase64Url(rotated), from: new URL(HOP).origin });
    // Once per period: the next tick fetches nothing, the one a period later fetches again.
    await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS + 2_000);
    expect(keyFetches()).toEqual(['hop keys']);
    await tickAt(s, t0 + 2 * KEY_CONFIG_REFRESH_MS);
    expect(keyFetches()).toEqual(['hop keys', 'hop keys']);
    expect(page.net.relay.seen).not.toContain('keys');
  });

  it('with no hop (the relay names none, the engine posts over its socket), fetches no config at all', async () => {
    page.net.relay.ingress = undefined;
    const t0 = Date.now();
    const s = await start();
    expect(s.ingress.url).toBeUndefined();
    // Its posts go over `WS /v1/post`, as the relay sees them anyway: no config, no gateway.
    // (The stand-in's socket refuses to open: where the post went is what counts.)
    await s.send('d:alice', 'hello').catch(() => undefined);
    expect(page.net.relay.seen.filter((x) => x !== 'org')).toEqual(['ws-post']);
    page.net.relay.seen.length = 0;
    await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS + 1_000);
    expect(keyFetches()).toEqual([]);
    expect(engines).toHaveLength(1);
  });

  it('while the hop is still unknown, the renewal waits for it and then goes through the hop the relay names', async () => {
    page.net.relay.blockOrg = true;
    const t0 = Date.now();
    const s = await start();
    expect(s.ingress.from).toBe('unknown');
    page.net.relay.config = rotated;
    await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS + 1_000);
    expect(keyFetches().filter((x) => x !== 'hop keys')).toEqual([]);
    page.net.relay.blockOrg = false;
    listeners.get('online')!();
    // The engine's own first fetch, held since the start, and the page's renewal: both through the hop.
    await vi.waitFor(() => expect(keyFetches()).toEqual(['hop keys', 'hop keys']));
    expect(sealed.get('ingress-keys')).toMatchObject({ config: toBase64Url(rotated), from: new URL(HOP).origin });
  });

  it('with the pinned hop out of reach at the renewal (a CSP the relay changed), sends nothing elsewhere and keeps the page running', async () => {
    const unhandled: unknown[] = [];
    const note = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', note);
    try {
      const t0 = Date.now();
      const s = await start(t0);
      page.net.relay.hopDown = true;
      page.net.relay.seen.length = 0;
      await tickAt(s, t0 + KEY_CONFIG_REFRESH_MS);
      expect(page.net.relay.seen).toEqual([]);
      expect(s.revoked).toBe(false);
      // The failed renewal is dropped: the next one, a period on, tries again.
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });
});
