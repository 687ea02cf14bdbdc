/**
 * @module pushWakeUps-session-hostile.test
 * The relay's seat: the web app's push registrations (pushWakeUps.ts) ride the page's own
 * connection to the relay, the one that carries this device's session. The send scheduler's
 * quiet period, and the pause before a commit's lock request (claimPacing.ts), wait past only
 * the requests the engine's watched transport marks (sessionWatch.ts). Sent with the page's bare
 * fetch, a registration went unmarked: afterRound starts the reconciles while the push refresh
 * is still registering mailboxes, so a reconcile's lock request could follow one by a few
 * milliseconds, and the operator paired the token with the device. Every request the refresh
 * makes must be one the engine marks.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import type { DeviceId } from '@hardline/protocol';
import { RelayApi } from '../../client/src/relayApi.ts';
import { watchSession } from '../../client/src/sessionWatch.ts';
import { PushWakeUps } from '../src/session/pushWakeUps.ts';

const RELAY = 'https://relay.example';
const D = 'd'.repeat(32) as DeviceId;

afterEach(() => vi.unstubAllGlobals());

/** A relay that answers everything, and the page whose bare fetch and engine both reach it. */
function page(push: { enabled: boolean }) {
  const atRelay: string[] = [];
  const relay = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), RELAY);
    atRelay.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    if (url.pathname === '/v1/session/challenge') return Response.json({ nonce: 'n' });
    if (url.pathname === '/v1/session') return Response.json({ token: 't' });
    if (url.pathname === '/v1/push') return Response.json(push.enabled ? { enabled: true, vapidPublicKey: 'AAAA' } : { enabled: false });
    return Response.json({});
  }) as typeof fetch;
  // The page's own fetch: same origin, so the same connection as the engine's session calls.
  vi.stubGlobal('fetch', relay);
  let marked = 0;
  const watched = watchSession({ fetch: relay, openWebSocket: () => { throw new Error('no socket here'); } }, { begin: () => (marked++, () => undefined) });
  const api = new RelayApi(new URL(RELAY), watched, { deviceId: D, sign: async () => new Uint8Array(64) });
  const conv = (n: number) => ({ left: false, mailbox: { id: `m${n}`, readCap: `r${n}` }, roster: { devices: [{ deviceId: D, mailboxId: `m${n}`, sendCap: `s${n}` }] } });
  const client = { deviceId: D, privacyLevel: () => 'balanced', conversations: () => [conv(1), conv(2)], relay: () => api } as unknown as HardlineClient;
  return { client, atRelay, marked: () => marked };
}

describe('push wake-ups, as the relay sees them', () => {
  it('every request a refresh makes to register mailboxes is marked as the session\'s', async () => {
    const p = page({ enabled: true });
    const push = new PushWakeUps(() => undefined);
    const endpoint = 'https://push.example/1';
    (push as unknown as { subscription: unknown }).subscription = { endpoint, toJSON: () => ({ endpoint, keys: { p256dh: 'k', auth: 'a' } }) };
    expect(await push.refresh(p.client)).toBe('on');
    expect(p.atRelay).toContain('PUT /v1/push/m1');
    expect(p.atRelay).toContain('PUT /v1/push/m2');
    expect(p.marked()).toBe(p.atRelay.length);
  });

  it('and so is the question whether push is on', async () => {
    const p = page({ enabled: false });
    expect(await new PushWakeUps(() => undefined).refresh(p.client)).toBe('off-by-org');
    expect(p.atRelay).toEqual(['GET /v1/push']);
    expect(p.marked()).toBe(1);
  });
});
