/**
 * @module session-awaitedInvite-hostile.test
 * A relay already taken over when a person enrols in the web app (session/awaitedInvite.ts): it
 * serves the org's chain cut short, before the policy that names the team's hop, and announces a
 * hop of its own. With an invite that names the org key, the page holds every anonymous action
 * until the engine has verified a chain holding that invite (client orgPolicy.ts AwaitedEntry);
 * then they go through the signed hop. Nothing ever goes through the relay's hop or to the relay.
 * The same for a device linked with a code that names the org key: it holds until its chain
 * reaches the head the linking device handed over (it used to be decided at once, from the
 * relay's announcement, its link code carrying no invite).
 *
 * Stand-ins as in session-signedHop-hostile.test.ts; the engine stand-in's `orgPolicy` is what
 * the engine would have verified.
 */
import { describe, expect, it, vi } from 'vitest';
import { joinInviteCode, joinLinkCode, newLinkSecret, newOrgKey } from '@hardline/protocol';
import { HOP, RELAY, RELAY_HOP } from './relayStandIn.ts';
import { engines, pagePerTest, savedDevice } from './sessionStandIns.ts';

vi.mock('../src/platform/encryptedKv.ts', () => import('./sessionStandIns.ts').then((m) => m.encryptedKv));
vi.mock('../src/platform/idbStateStore.ts', () => import('./sessionStandIns.ts').then((m) => m.idbStateStore));
vi.mock('../src/session/syncLoop.ts', () => import('./sessionStandIns.ts').then((m) => m.syncLoop));
vi.mock('../src/calls/callManager.ts', () => import('./sessionStandIns.ts').then((m) => m.callManager));
vi.mock('../src/session/pushWakeUps.ts', () => import('./sessionStandIns.ts').then((m) => m.pushWakeUps));
vi.mock('../src/contacts/contactBookAdapter.ts', () => import('./sessionStandIns.ts').then((m) => m.contactBookAdapter));
vi.mock('@hardline/client', (original) => import('./sessionStandIns.ts').then((m) => m.clientModule(original)));
// A held action's release delay kept near its floor, as in session-unknownHop-hostile.test.ts.
vi.mock('../src/session/pendingHop.ts', async (original) => ({
  ...(await original<typeof import('../src/session/pendingHop.ts')>()),
  heldReleaseDelayMs: () => 50,
}));

const { Session } = await import('../src/session/session.ts');

const page = pagePerTest(RELAY);
const { listeners, sessions } = page;
const ORG_INVITE = joinInviteCode('K7QXM-2RTAB-CDEFG-HJKLM', newOrgKey().publicKey);
/** A link code from a device that pinned the team's key (client ownDevices.ts createLinkCode). */
const ORG_LINK = joinInviteCode(joinLinkCode('K7QXM-2RTAB-CDEFG-HJKLM', newLinkSecret()), newOrgKey().publicKey);
const CAPS = { previews: true, calls: true };


const exposed = () => page.net.relay.seen.filter((s) => s === 'ws-post' || s === 'gateway' || s.startsWith('relay-hop') || s.startsWith('other'));
const tick = (s: object) => (s as unknown as { tick(): Promise<void> }).tick();
const settle = () => new Promise((r) => setTimeout(r, 20));

async function enrol(code: string) {
  const s = await Session.enrol({ code, handle: 'bob', displayName: 'Bob' });
  sessions.push(s);
  return s;
}

describe('enrolling with an invite that names the org key, against a relay that announces its own hop', () => {
  it('holds anonymous actions until the invite is in the verified chain, then sends them through the signed hop', async () => {
    page.net.relay.ingress = RELAY_HOP;
    const s = await enrol(ORG_INVITE);
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: true }) as never;
    const sent = s.send('d:alice', 'first words');
    await settle();
    await tick(s);
    // The chain it was served was cut before the invite: still held, nothing left.
    expect(engines[0]!.posted).toEqual([]);
    expect(exposed()).toEqual([]);
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    await tick(s);
    await sent;
    expect(engines[0]!.posted).toEqual(['text to alice']);
    expect(page.net.relay.seen).toContain('hop');
    expect(exposed()).toEqual([]);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
  });

  it('with no hop signed before the invite, takes the relay\'s announcement only then (as a first use)', async () => {
    page.net.relay.ingress = HOP;
    const s = await enrol(ORG_INVITE);
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false }) as never;
    await tick(s);
    await settle();
    expect(s.ingress).toEqual({ url: HOP, from: 'relay' });
  });

  it('an invite that names no org key is decided at once, as before', async () => {
    page.net.relay.ingress = HOP;
    const s = await enrol('K7QXM-2RTAB-CDEFG-HJKLM');
    expect(s.ingress).toEqual({ url: HOP, from: 'relay' });
  });

  it('a page reloaded before the invite was seen still holds: the wait is kept in the device state', async () => {
    savedDevice.extensions = { org: { key: 'k', head: { seq: 1, hash: 'h' }, revoked: [], awaitInvite: 'ab'.repeat(32) } };
    page.net.relay.ingress = RELAY_HOP;
    const s = (await Session.resume())!;
    sessions.push(s);
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: true }) as never;
    await tick(s);
    expect(s.ingress.from).toBe('unknown');
  });

  it('a page reloaded before the linking device\'s answer, or before its head, still holds', async () => {
    for (const awaited of [{ linkAnswer: true }, { head: { seq: 7, hash: 'cd'.repeat(32) } }]) {
      savedDevice.extensions = { org: { key: 'k', head: { seq: 1, hash: 'h' }, revoked: [], awaited } };
      page.net.relay.ingress = RELAY_HOP;
      const s = (await Session.resume())!;
      sessions.push(s);
      expect(s.ingress.from).toBe('unknown');
    }
  });
});

describe('linking a device with a code that names the org key, against a relay that announces its own hop', () => {
  it('holds anonymous actions until the chain reaches the linking device\'s head, then sends them through the signed hop', async () => {
    page.net.relay.ingress = RELAY_HOP;
    const s = await enrol(ORG_LINK);
    expect(s.ingress.from).toBe('unknown');
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: true }) as never;
    const sent = s.send('d:alice', 'first words');
    await settle();
    await tick(s);
    // Cut before the handed-over head: still held, nothing went through the relay's hop or to it.
    expect(engines[0]!.posted).toEqual([]);
    expect(exposed()).toEqual([]);
    engines[0]!.orgPolicy = () => ({ capabilities: CAPS, awaitingInvite: false, ingress: HOP }) as never;
    await tick(s);
    await sent;
    expect(engines[0]!.posted).toEqual(['text to alice']);
    expect(exposed()).toEqual([]);
    expect(s.ingress).toEqual({ url: HOP, from: 'policy' });
  });

  it('a link code that names no org key is decided at once, as before', async () => {
    page.net.relay.ingress = HOP;
    const s = await enrol(joinLinkCode('K7QXM-2RTAB-CDEFG-HJKLM', newLinkSecret()));
    expect(s.ingress).toEqual({ url: HOP, from: 'relay' });
  });
});
