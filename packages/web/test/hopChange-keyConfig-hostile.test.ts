/**
 * @module hopChange-keyConfig-hostile.test
 * Key tagging across a change of hop (issue 12; docs/protocol.md §7). The page's engine is
 * opened for good with HELD_HOP, and its transport sends each action to whichever hop is pinned
 * now (heldHopTransport.ts): the engine keeps its key config however the destination changes,
 * and the page keeps it sealed for the next start (keptKeyConfig.ts). A taken-over relay that
 * got its own hop pinned sees each device's address there and hands each device a key config of
 * its own. Once the security team signs an honest hop (or the person re-pins one), every post
 * through the honest hop must be sealed to the config that hop hands all its clients, not to the
 * device's own tag: else the relay still recognises each of its posts, and the new hop hides nothing.
 *
 * Played with the real page transport stack (keyConfigTransport inside heldHopTransport) and the
 * real engine hop (client ingressFetch.ts); the network records what reached which hop and under
 * which key id (the first byte of an encapsulated request, RFC 9458 §4.3).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '@hardline/client';
import { encodeKeyConfigs, gatewayKey } from '@hardline/protocol/ohttp';
import type { IngressChoice } from '../src/session/announcedIngress.ts';

const sealed = new Map<string, unknown>();
vi.mock('../src/platform/encryptedKv.ts', () => ({
  sealedGet: async (name: string) => structuredClone(sealed.get(name)),
  sealedPut: async (name: string, value: unknown) => void sealed.set(name, structuredClone(value)),
}));

const { keyConfigTransport } = await import('../src/platform/keyConfigTransport.ts');
const { heldHopTransport } = await import('../src/platform/heldHopTransport.ts');
const { HELD_HOP } = await import('../src/session/pendingHop.ts');
const { IngressFetch } = await import('../../client/src/ingressFetch.ts');

const RELAY = 'https://relay.example.org';
/** The relay's own hop, pinned while it was taken over: it tags each device with key id 66. */
const RELAY_HOP = 'https://hop.relay.example.org/';
/** The security team's hop: the config it hands every client has key id 1. */
const TEAM_HOP = 'https://hop.team.example.net/';
const TAG = 66;
const SHARED = 1;

/** POSTs as they reached each origin: the key id they were sealed to. */
let posts: { origin: string; keyId: number }[];

function network(): Transport {
  const fetchUnlinked = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if ((init?.method ?? 'GET') === 'GET' && url.pathname === '/v1/ohttp/keys') {
      const id = url.origin === new URL(RELAY_HOP).origin ? TAG : SHARED;
      return new Response(new Uint8Array(encodeKeyConfigs([gatewayKey(id).config])), { status: 200, headers: { 'content-type': 'application/ohttp-keys' } });
    }
    posts.push({ origin: url.origin, keyId: new Uint8Array(init!.body as Uint8Array)[0]! });
    return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'stand-in' } }), { status: 404, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: fetchUnlinked, fetchUnlinked, openWebSocket: () => ({}) as never };
}

/** The page's engine over the page's transport (session.ts pageTransport), with a hop decision the test moves. */
function page(initial: IngressChoice) {
  const hop = { choice: initial, decided: async () => hop.choice };
  const transport = heldHopTransport(keyConfigTransport(network(), 'fetch-and-keep'), RELAY, hop, 0, () => 0);
  const engine = new IngressFetch(new URL(HELD_HOP), transport, { refetchDelayMs: () => 0 });
  engine.prefetch();
  const post = () => engine.fetch(new URL('/v1/post', RELAY), { method: 'POST', body: new Uint8Array([1]) }).catch(() => undefined);
  return { hop, engine, post };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const atTeamHop = () => posts.filter((p) => p.origin === new URL(TEAM_HOP).origin);

beforeEach(() => {
  sealed.clear();
  posts = [];
});

describe('a device that moves from the relay\'s hop to the team\'s', () => {
  it('seals nothing through the team\'s hop to the key the relay\'s hop tagged it with (same page)', async () => {
    const p = page({ url: RELAY_HOP, from: 'relay' });
    await settle();
    await p.post();
    expect(posts).toEqual([{ origin: new URL(RELAY_HOP).origin, keyId: TAG }]);
    // The team signs its hop; the page follows it from the next send on.
    p.hop.choice = { url: TEAM_HOP, from: 'policy' };
    for (let i = 0; i < 3; i++) {
      await p.post();
      await settle();
    }
    expect(atTeamHop().length).toBeGreaterThan(0);
    expect(atTeamHop().filter((x) => x.keyId === TAG)).toEqual([]);
    p.engine.stop();
  });

  it('does not take the tagged config it kept at the next start', async () => {
    const before = page({ url: RELAY_HOP, from: 'relay' });
    await settle();
    before.engine.stop();
    const after = page({ url: TEAM_HOP, from: 'policy' });
    await settle();
    await after.post();
    expect(atTeamHop()).toEqual([{ origin: new URL(TEAM_HOP).origin, keyId: SHARED }]);
    after.engine.stop();
  });
});
