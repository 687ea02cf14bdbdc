/**
 * @module session-tick-hostile.test
 * What the relay sees of an open page while its ingress hop is unknown (the relay blocks
 * `GET /v1/org`, or the device waits for its invite in the org's chain), and of the page's
 * one-second tick (session/pageHop.ts `followSigned`). The page asks the relay again with a
 * growing pause (pendingHop.ts `watch`, 5 s doubling to 60 s), and once when the engine's chain
 * shows the awaited invite: never at every tick, which would be a once-a-second heartbeat from
 * the device's address for as long as the relay keeps blocking. It does keep asking (a page that
 * stopped would hold its posts for ever), and stops when it signs out (a wiped device goes on
 * asking nothing). A tick that finds the same signed hop changes nothing: no save, no re-render.
 *
 * The relay stand-in and session stand-ins as in the other session-*-hostile tests; the tick is
 * stubbed out and called by hand, and timers are faked where the pause is what is looked at.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HOP, RELAY, RELAY_HOP } from './relayStandIn.ts';
import { engines, pagePerTest, savedDevice, sealed } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
vi.mock('../src/session/syncLoop.ts', () => import('./sessionStandIns.ts').then((m) => m.syncLoop));
vi.mock('../src/calls/callManager.ts', () => import('./sessionStandIns.ts').then((m) => m.callManager));
vi.mock('../src/session/pushWakeUps.ts', () => import('./sessionStandIns.ts').then((m) => m.pushWakeUps));
vi.mock('../src/contacts/contactBookAdapter.ts', () => import('./sessionStandIns.ts').then((m) => m.contactBookAdapter));
vi.mock('@hardline/client', (original) => import('./sessionStandIns.ts').then((m) => m.clientModule(original)));
vi.mock('../src/session/pendingHop.ts', async (original) => ({
  ...(await original<typeof import('../src/session/pendingHop.ts')>()),
  heldReleaseDelayMs: () => 50,
}));

const { Session } = await import('../src/session/session.ts');

const page = pagePerTest(RELAY);
const { listeners, sessions } = page;
const CAPS = { previews: true, calls: true };

afterEach(() => {
  vi.useRealTimers();
});

const tick = (s: object) => (s as unknown as { tick(): Promise<void> }).tick();
const asked = () => page.net.relay.seen.filter((x) => x === 'org').length;
const flush = () => vi.advanceTimersByTimeAsync(0);

async function start() {
  const s = (await Session.resume())!;
  sessions.push(s);
  return s;
}

describe('a page whose hop is unknown because the relay blocks its announcement', () => {
  it('does not ask again at every tick, though its chain shows no invite awaited', async () => {
    page.net.relay.blockOrg = true;
    const s = await start();
    expect(s.ingress.from).toBe('unknown');
    // A device long enrolled: its engine's chain awaits no invite.
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false }) as never;
    const before = asked();
    for (let i = 0; i < 3; i++) await tick(s);
    await new Promise((r) => setTimeout(r, 20));
    expect(asked()).toBe(before);
  });

  it('asks again after its pause, growing, and takes the hop once the relay answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    page.net.relay.blockOrg = true;
    const s = await start();
    const atStart = asked();
    await vi.advanceTimersByTimeAsync(4_900);
    expect(asked()).toBe(atStart);
    await vi.advanceTimersByTimeAsync(200);
    expect(asked()).toBe(atStart + 1);
    // Refused again: the next pause is 10 s.
    await vi.advanceTimersByTimeAsync(9_800);
    expect(asked()).toBe(atStart + 1);
    page.net.relay.blockOrg = false;
    const v = s.version;
    await vi.advanceTimersByTimeAsync(400);
    expect(asked()).toBe(atStart + 2);
    await flush();
    expect(s.ingress).toEqual({ url: HOP, from: 'relay' });
    // The settings, which said actions were waiting, re-render.
    expect(s.version).toBeGreaterThan(v);
  });

  it('asks nothing more once signed out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    page.net.relay.blockOrg = true;
    const s = await start();
    sessions.splice(sessions.indexOf(s), 1);
    const wiped = s.wipe();
    await vi.advanceTimersByTimeAsync(2_000);
    await wiped;
    const atWipe = asked();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(asked()).toBe(atWipe);
  });
});

describe('a page that waits for its invite in the chain', () => {
  it('asks once when the chain shows the invite, not again at every tick after', async () => {
    savedDevice.extensions = { org: { key: 'k', head: { seq: 1, hash: 'h' }, revoked: [], awaitInvite: 'ab'.repeat(32) } };
    page.net.relay.blockOrg = true;
    const s = await start();
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: true }) as never;
    const before = asked();
    await tick(s);
    await new Promise((r) => setTimeout(r, 20));
    expect(asked()).toBe(before);
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false }) as never;
    await tick(s);
    await new Promise((r) => setTimeout(r, 20));
    expect(asked()).toBe(before + 1);
    for (let i = 0; i < 3; i++) await tick(s);
    await new Promise((r) => setTimeout(r, 20));
    expect(asked()).toBe(before + 1);
  });
});

describe('a page whose engine reads a signed hop', () => {
  it('takes it at one tick, and the next tick with the same hop changes nothing: no re-render', async () => {
    const s = await start();
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    let v = s.version;
    await tick(s);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    expect(s.version).toBe(v + 1);
    v = s.version;
    await tick(s);
    await tick(s);
    expect(s.version).toBe(v);
    // Accepting a change when there is none (a notice the signed hop replaced) changes nothing either.
    await s.acceptHopChange();
    expect(s.version).toBe(v);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
  });

  it('follows the team when it moves the signed hop: the settings and the pin the service worker reads name the new one', async () => {
    const s = await start();
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    await tick(s);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    // The team signs "no hop" (its hop was seized, say): the page does not keep showing, and
    // the closed app's service worker does not keep using, the hop the team dropped.
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: null }) as never;
    const v = s.version;
    await tick(s);
    expect(s.ingress).toEqual({ url: undefined, from: 'policy' });
    expect(s.version).toBe(v + 1);
    await vi.waitFor(() => expect(sealed.get('ingress')).toEqual({ url: null, pinned: null }));
    // And back to a hop: followed as well.
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    await tick(s);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    await vi.waitFor(() => expect(sealed.get('ingress')).toEqual({ url: HOP, pinned: HOP }));
  });

  it('the same with a signed "no hop" (posts to the relay itself, as the team decided)', async () => {
    const s = await start();
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: null }) as never;
    await tick(s);
    expect(s.ingress).toEqual({ url: undefined, from: 'policy' });
    const v = s.version;
    await tick(s);
    expect(s.version).toBe(v);
  });

  it('arriving while the relay\'s answer to an unknown hop is in flight, is not overridden by that answer: no change to the relay\'s hop is offered', async () => {
    page.net.relay.blockOrg = true;
    page.net.relay.ingress = RELAY_HOP;
    const s = await start();
    expect(s.ingress.from).toBe('unknown');
    page.net.relay.blockOrg = false;
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    // Back online: the page asks the relay; before it answers, the tick reads the signed hop.
    listeners.get('online')!();
    await tick(s);
    await new Promise((r) => setTimeout(r, 30));
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    expect(s.hopChange).toBeUndefined();
    // The pin the service worker reads names the signed hop, not the relay's.
    expect(sealed.get('ingress')).toEqual({ url: HOP, pinned: HOP });
  });
});
