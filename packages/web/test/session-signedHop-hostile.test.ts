/**
 * @module session-signedHop-hostile.test
 * Issue 12, finding 3: trust on first use of the relay's hop announcement (session/pinnedHop.ts)
 * cannot help a device whose first start met a relay already taken over. The security team now
 * signs the hop into the org policy, and the page follows the signed hop whatever the relay
 * announces: it does not even ask the relay. Played from the taken-over relay's side:
 *
 * - it names a hop of its own, or blocks the announcement, to a device whose policy names the
 *   team's hop: nothing goes through its hop, nothing is held, no change is offered to accept;
 * - it named its hop while taken over, to a device that used none, which pinned it: once the
 *   engine reads the team's signed policy, the pin does not outlive the takeover, and the
 *   service worker (which reads only the pin) follows too;
 * - the team signs "no hop" (null): a pinned hop of the relay's is dropped as well.
 *
 * Stand-ins as in session-hopPin-hostile.test.ts; the engine's verified org policy is what the
 * stand-in store loads (sessionStandIns.savedDevice) and what the engine stand-in reports.
 */
import { describe, expect, it, vi } from 'vitest';
import { HOP, RELAY, RELAY_HOP } from './relayStandIn.ts';
import { engines, pagePerTest, savedDevice, sealed } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
vi.mock('../src/session/syncLoop.ts', () => import('./sessionStandIns.ts').then((m) => m.syncLoop));
vi.mock('../src/calls/callManager.ts', () => import('./sessionStandIns.ts').then((m) => m.callManager));
vi.mock('../src/session/pushWakeUps.ts', () => import('./sessionStandIns.ts').then((m) => m.pushWakeUps));
vi.mock('../src/contacts/contactBookAdapter.ts', () => import('./sessionStandIns.ts').then((m) => m.contactBookAdapter));

vi.mock('@hardline/client', (original) => import('./sessionStandIns.ts').then((m) => m.clientModule(original)));
// A held action's release delay (1 to 20 s) kept near its floor: the key config a blocked start
// holds is released with it, and a post waits for that config.
vi.mock('../src/session/pendingHop.ts', async (original) => ({
  ...(await original<typeof import('../src/session/pendingHop.ts')>()),
  heldReleaseDelayMs: () => 50,
}));

const { Session } = await import('../src/session/session.ts');
const { savedIngress } = await import('../src/session/announcedIngress.ts');

const page = pagePerTest(RELAY);
const { listeners, sessions } = page;

/** The org state as the engine keeps it once it verified a policy naming `ingress`. */
function signedPolicy(ingress: string | null | undefined) {
  const policy = { version: 2, defaults: {}, groups: [], ...(ingress !== undefined ? { ingress } : {}) };
  return { org: { key: 'org-key', head: { seq: 2, hash: 'h' }, revoked: [], policy } };
}


const exposed = () => page.net.relay.seen.filter((s) => s === 'ws-post' || s === 'gateway' || s === 'relay-hop' || s.startsWith('other'));
const throughHop = () => page.net.relay.seen.filter((s) => s === 'hop');

async function start() {
  const s = (await Session.resume())!;
  sessions.push(s);
  return s;
}

/** The session's one-second tick, which is stubbed out in these tests: where it reads the engine's policy. */
const tick = (s: object) => (s as unknown as { tick(): Promise<void> }).tick();

describe('a device whose saved policy names the team\'s hop', () => {
  it('uses it against a relay that names its own: the relay is not asked, and no change is offered', async () => {
    savedDevice.extensions = signedPolicy(HOP);
    page.net.relay.ingress = RELAY_HOP;
    const s = await start();
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    expect(s.hopChange).toBeUndefined();
    expect(page.net.relay.seen).not.toContain('org');
    await s.send('d:alice', 'hello');
    expect(throughHop()).toEqual(['hop']);
    expect(exposed()).toEqual([]);
    // Kept as the pin, which is all the service worker reads.
    expect(await savedIngress()).toEqual({ url: HOP, from: 'saved' });
  });

  it('is not held when the relay blocks its announcement and nothing was saved', async () => {
    savedDevice.extensions = signedPolicy(HOP);
    page.net.relay.blockOrg = true;
    const s = await start();
    expect(s.ingress.from).toBe('policy');
    await s.send('d:alice', 'at once');
    expect(engines[0]!.posted).toEqual(['text to alice']);
    expect(throughHop()).toEqual(['hop']);
  });

  it('offers nothing to accept: accepting does not re-pin the relay\'s hop', async () => {
    savedDevice.extensions = signedPolicy(HOP);
    page.net.relay.ingress = RELAY_HOP;
    const s = await start();
    await s.acceptHopChange();
    await s.send('d:alice', 'still the team hop');
    expect(exposed()).toEqual([]);
  });
});

describe('a hop the relay named while taken over, to a device that used none', () => {
  async function pinnedByTheTakeover() {
    page.net.relay.ingress = RELAY_HOP;
    const s = await start();
    expect(s.ingress).toEqual({ url: RELAY_HOP, from: 'relay' });
    expect(sealed.get('ingress')).toEqual({ url: RELAY_HOP, pinned: RELAY_HOP });
    page.net.relay.seen.length = 0;
    return s;
  }

  it('does not outlive the takeover once the engine reads the team\'s signed hop: posts, the pin and the service worker follow it', async () => {
    const s = await pinnedByTheTakeover();
    engines[0]!.orgPolicy = () => ({ capabilities: { previews: true, calls: true }, ingress: HOP }) as never;
    await tick(s);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    await s.send('d:alice', 'after the policy');
    expect(throughHop()).toEqual(['hop']);
    expect(exposed()).toEqual([]);
    await new Promise((r) => setTimeout(r, 0));
    expect(await savedIngress()).toEqual({ url: HOP, from: 'saved' });
    // The next start does not go back to the relay's hop, even before the engine is open.
    savedDevice.extensions = signedPolicy(HOP);
    const next = await start();
    expect(next.ingress).toEqual({ url: HOP, from: 'policy' });
  });

  it('is followed from the refresh that verified it, not only from the next tick: a send in between does not reach the relay\'s hop', async () => {
    const s = await pinnedByTheTakeover();
    // The engine's refresh verified the team's policy; the one-second tick has not run yet (a
    // round goes on to its inbox, Welcomes and commits right after the refresh).
    engines[0]!.orgPolicy = () => ({ capabilities: { previews: true, calls: true }, ingress: HOP }) as never;
    await s.send('d:alice', 'right after the refresh');
    expect(throughHop()).toEqual(['hop']);
    expect(exposed()).toEqual([]);
  });

  it('nor when the team signs "no hop": posts then reach the relay\'s own gateway, not its hop', async () => {
    const s = await pinnedByTheTakeover();
    engines[0]!.orgPolicy = () => ({ capabilities: { previews: true, calls: true }, ingress: null }) as never;
    await tick(s);
    expect(s.ingress).toEqual({ url: undefined, from: 'policy' });
    await s.send('d:alice', 'no hop');
    expect(page.net.relay.seen.filter((x) => x === 'relay-hop')).toEqual([]);
  });

  it('a policy that does not speak of the hop leaves the pin as it was (trust on first use, as before)', async () => {
    const s = await pinnedByTheTakeover();
    engines[0]!.orgPolicy = () => ({ capabilities: { previews: true, calls: true } }) as never;
    await tick(s);
    expect(s.ingress.url).toBe(RELAY_HOP);
  });

  it('a start that could not learn the hop at all is settled by the signed hop, not left waiting on the relay', async () => {
    page.net.relay.blockOrg = true;
    const s = await start();
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: { previews: true, calls: true }, ingress: HOP }) as never;
    await tick(s);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
    await s.send('d:alice', 'settled');
    expect(engines[0]!.posted).toEqual(['text to alice']);
    expect(throughHop()).toEqual(['hop']);
    expect(exposed()).toEqual([]);
  });
});
