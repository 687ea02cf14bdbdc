/**
 * @module session-lifecycle-hostile.test
 * The web session's start, enrolment and erasure (session/session.ts `resume`, `enrol`, `start`,
 * `eraseLocal`, the signed-out flag), from the seats that reach them:
 *
 * - whoever holds the laptop after an erasure: nothing of the person's stays in clear storage
 *   but the flags the signed-out screen reads, and the sealed state is wiped;
 * - the relay, which revoked the device while the app was closed: the page erases at once and
 *   starts nothing; or which withholds its hop announcement at enrolment, hoping the new device
 *   posts straight from its address: the enrolment fails UNAVAILABLE (a stable code) with no
 *   engine registered;
 * - a page reloaded in a bad state: no device saved (nothing is asked of the relay), a device
 *   still waiting for its invite in the org's chain (the hop is decided once the chain shows it),
 *   a damaged contact book (the notice says so), a sign-out followed by a fresh enrolment in
 *   the same page (the next load must not erase the new device).
 *
 * The engine is the relay stand-in's (relayStandIn.ts), the rest of the session stubbed out
 * (sessionStandIns.ts), as in the other session-*-hostile tests.
 */
import { describe, expect, it, vi } from 'vitest';
import { HardlineError } from '@hardline/protocol';
import { callControl, HOP, RELAY, RELAY_HOP } from './relayStandIn.ts';
import { background, deviceStore, engines, nextEngine, pagePerTest, rung, savedDevice, sealed } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
vi.mock('../src/session/syncLoop.ts', () => import('./sessionStandIns.ts').then((m) => m.syncLoop));
vi.mock('../src/calls/callManager.ts', () => import('./sessionStandIns.ts').then((m) => m.callManager));
vi.mock('../src/session/pushWakeUps.ts', () => import('./sessionStandIns.ts').then((m) => m.pushWakeUps));
vi.mock('../src/contacts/contactBookAdapter.ts', () => import('./sessionStandIns.ts').then((m) => m.contactBookAdapter));
vi.mock('@hardline/client', (original) => import('./sessionStandIns.ts').then((m) => m.clientModule(original)));
// A held action's release delay kept short, as in session-awaitedInvite-hostile.test.ts.
vi.mock('../src/session/pendingHop.ts', async (original) => ({
  ...(await original<typeof import('../src/session/pendingHop.ts')>()),
  heldReleaseDelayMs: () => 50,
}));

const { Session } = await import('../src/session/session.ts');

const page = pagePerTest(RELAY);
const { listeners, sessions } = page;
const CAPS = { previews: true, calls: true };

const exposed = () => page.net.relay.seen.filter((s) => s === 'ws-post' || s === 'gateway' || s.startsWith('relay-hop') || s.startsWith('other'));
const tick = (s: object) => (s as unknown as { tick(): Promise<void> }).tick();
const settle = () => new Promise((r) => setTimeout(r, 20));

async function resume() {
  const s = (await Session.resume())!;
  sessions.push(s);
  return s;
}

describe('a page start', () => {
  it('on a browser with no device saved finds none: nothing is asked of the relay, no engine opens', async () => {
    deviceStore.missing = true;
    expect(await Session.resume()).toBeUndefined();
    expect(page.net.relay.seen).toEqual([]);
    expect(engines).toEqual([]);
  });

  it('of a device the relay revoked while the app was closed erases at once, and starts nothing', async () => {
    nextEngine.revoked = true;
    nextEngine.controls = [callControl('alice', 'ring')];
    const s = await resume();
    expect(s.revoked).toBe(true);
    expect(s.erased).toBe(true);
    expect(deviceStore.wipes).toBe(1);
    expect(Session.wasSignedOut()).toBe(true);
    // No calls, no ring, no listening for the network coming back.
    expect(s.calls).toBeUndefined();
    expect(rung).toEqual([]);
    expect(listeners.has('online')).toBe(false);
    expect(background).toEqual(['stop']);
  });

  it('rings a call the service worker read while the app was closed, and leaves the other signals to the round', async () => {
    const ring = callControl('alice', 'ring');
    const receipt = { ...callControl('alice', 'x'), message: { t: 'receipt', id: 'r1', ids: ['m1'], sentAt: new Date().toISOString() } };
    nextEngine.controls = [receipt as never, ring];
    const s = await resume();
    expect(rung).toEqual([ring]);
    expect(engines[0]!.taken).toEqual(['ring']);
    expect(engines[0]!.controls).toEqual([receipt]);
    // Listening for the network coming back, to ask again for a hop still unknown.
    expect(listeners.has('online')).toBe(true);
    expect(s.revoked).toBe(false);
    // The send scheduler at `balanced`, the app's default (issue 12's budget).
    expect(engines[0]!.opts.privacy).toBe('balanced');
  });

  it('with a damaged contact book says so once, naming what is being restored', async () => {
    nextEngine.bookDamage = ['keys', 'contacts'];
    const keys = await resume();
    expect(keys.recovery).toMatch(/restored from your other devices; contacts that only this device held may be missing/);
    nextEngine.bookDamage = ['contacts'];
    const contacts = await resume();
    expect(contacts.recovery).toMatch(/restored from the encrypted copy your devices keep in sync/);
    nextEngine.bookDamage = [];
    expect((await resume()).recovery).toBeUndefined();
  });

  it('of a device reloaded while it waits for its invite, with no hop signed before it, takes the relay\'s announcement once the chain shows the invite', async () => {
    savedDevice.extensions = { org: { key: 'k', head: { seq: 1, hash: 'h' }, revoked: [], awaitInvite: 'ab'.repeat(32) } };
    page.net.relay.ingress = HOP;
    const s = await resume();
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: true }) as never;
    await tick(s);
    await settle();
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false }) as never;
    await tick(s);
    await vi.waitFor(() => expect(s.ingress).toEqual({ url: HOP, from: 'relay' }));
  });

  it('of a device reloaded while it waits for its invite in the chain decides the hop once the chain shows it, through the signed hop', async () => {
    savedDevice.extensions = { org: { key: 'k', head: { seq: 1, hash: 'h' }, revoked: [], awaitInvite: 'ab'.repeat(32) } };
    page.net.relay.ingress = RELAY_HOP;
    const s = await resume();
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: true }) as never;
    const sent = s.send('d:alice', 'after the reload');
    await settle();
    await tick(s);
    // The relay serves a chain cut before the invite, and the browser comes back online (the hop
    // is asked again): still held, not decided by the relay's own hop.
    listeners.get('online')!();
    await settle();
    expect(s.ingress.from).toBe('unknown');
    expect(engines[0]!.posted).toEqual([]);
    const asked = page.net.relay.seen.filter((x) => x === 'org').length;
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    await tick(s);
    await sent;
    expect(engines[0]!.posted).toEqual(['text to alice']);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    expect(exposed()).toEqual([]);
    // The chain that showed the invite signs the hop: the relay is not asked for its own.
    expect(page.net.relay.seen.filter((x) => x === 'org').length).toBe(asked);
  });

  it('starts listening, registers for push wake-ups and ticks every second; a sign-out stops all three', async () => {
    const intervals: { fn: () => void; ms: number }[] = [];
    const cleared: unknown[] = [];
    vi.stubGlobal('setInterval', (fn: () => void, ms: number) => (intervals.push({ fn, ms }), 7));
    vi.stubGlobal('clearInterval', (id: unknown) => void cleared.push(id));
    const s = await resume();
    expect(background).toEqual(['start', 'push']);
    expect(intervals.map((i) => i.ms)).toEqual([1_000]);
    // The interval runs the session's tick: a signed hop the engine read is taken there.
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    intervals[0]!.fn();
    await settle();
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    sessions.splice(sessions.indexOf(s), 1);
    await s.wipe();
    expect(background).toEqual(['start', 'push', 'stop']);
    expect(cleared).toEqual([7]);
  });
});

describe('enrolment', () => {
  it('against a relay that withholds its hop announcement fails UNAVAILABLE, with no engine registered and nothing posted', async () => {
    page.net.relay.blockOrg = true;
    const err = await Session.enrol({ code: 'K7QXM-2RTAB-CDEFG-HJKLM', handle: 'bob', displayName: 'Bob' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HardlineError);
    expect((err as HardlineError).code).toBe('UNAVAILABLE');
    expect(engines).toEqual([]);
    expect(exposed()).toEqual([]);
  });

  it('afresh after a sign-out in this page clears the signed-out flag, so the next load does not erase the new device; and saves again', async () => {
    deviceStore.closesStorage = true;
    const first = await resume();
    await first.wipe();
    expect(Session.wasSignedOut()).toBe(true);
    // The wipe closed the sealed storage: nothing of the erased device may be written back.
    expect(deviceStore.closed).toBe(true);
    sealed.clear();
    const s = await Session.enrol({ code: 'K7QXM-2RTAB-CDEFG-HJKLM', handle: 'bob', displayName: 'Bob' });
    sessions.push(s);
    expect(Session.wasSignedOut()).toBe(false);
    expect(s.ingress).toEqual({ url: HOP, from: 'relay' });
    // The new device's state is kept: its pinned hop is there for the next start.
    await settle();
    expect(sealed.get('ingress')).toEqual({ url: HOP, pinned: HOP });
  });
});

describe('erasing an unreadable device state (Session.eraseLocal)', () => {
  it('wipes the sealed state and every flag of the person’s, but those the signed-out screen reads', async () => {
    // A Storage that lists its keys, as the browser's does: a flag an older version left is found too.
    const kept = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      get length() {
        return kept.size;
      },
      key: (i: number) => [...kept.keys()][i] ?? null,
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
      removeItem: (k: string) => void kept.delete(k),
    });
    localStorage.setItem('hardline.lastChat', 'd:alice');
    localStorage.setItem('other.app', 'theirs');
    localStorage.setItem('hardline.splitViewSeen', '2026-12-01T00:00:00.000Z');
    localStorage.setItem('hardline.hopChangeKept', `${HOP} ${RELAY_HOP}`);
    localStorage.setItem('hardline.signedOut', '1');
    localStorage.setItem('hardline.wipedByLock', '1');
    await Session.eraseLocal();
    expect(deviceStore.wipes).toBe(1);
    expect(localStorage.getItem('hardline.splitViewSeen')).toBeNull();
    expect(localStorage.getItem('hardline.hopChangeKept')).toBeNull();
    expect(localStorage.getItem('hardline.signedOut')).toBe('1');
    expect(localStorage.getItem('hardline.wipedByLock')).toBe('1');
    expect(localStorage.getItem('hardline.lastChat')).toBeNull();
    expect(localStorage.getItem('other.app')).toBe('theirs');
    expect(Session.wasSignedOut()).toBe(true);
    Session.clearSignedOut();
    expect(Session.wasSignedOut()).toBe(false);
    expect(page.net.relay.seen).toEqual([]);
  });
});
