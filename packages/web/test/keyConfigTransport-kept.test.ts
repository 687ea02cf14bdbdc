/**
 * @module keyConfigTransport-kept.test
 * From an observer of the device's address: the page's engine sets up the hop as the page opens,
 * and its queued posts leave soon after. A key fetch from this address at that moment would say
 * "this address is about to post", so the page serves the fresh config it kept; only a request
 * marked `cache: 'reload'` (the engine's refetch after a refusal, on its own random timer; the
 * page's periodic refresh) goes to the relay.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Transport } from '@hardline/client';

const sealed = new Map<string, unknown>();
vi.mock('../src/platform/encryptedKv.ts', () => ({
  sealedGet: async (name: string) => structuredClone(sealed.get(name)),
  sealedPut: async (name: string, value: unknown) => void sealed.set(name, structuredClone(value)),
}));

const { keyConfigTransport, refreshKeyConfig } = await import('../src/platform/keyConfigTransport.ts');
const { keepKeyConfig, KEY_CONFIG_MAX_AGE_MS } = await import('../src/session/keptKeyConfig.ts');

const RELAY = 'https://relay.example.org';
const KEYS = new URL('/v1/ohttp/keys', RELAY);
let fetched: number;

function inner(): Transport {
  const fetch = (async () => {
    fetched++;
    return new Response(new Uint8Array([9, 9, 9]), { status: 200 });
  }) as typeof globalThis.fetch;
  return { fetch, fetchUnlinked: fetch, openWebSocket: () => ({}) as never };
}

beforeEach(() => {
  sealed.clear();
  fetched = 0;
});

describe("the page's key config", () => {
  it('comes from the fresh kept copy, with nothing sent from this address', async () => {
    await keepKeyConfig(new Uint8Array([1, 2, 3]), Date.now(), KEYS.origin);
    const res = await keyConfigTransport(inner(), 'fetch-and-keep').fetchUnlinked!(KEYS);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(fetched).toBe(0);
  });

  it('comes from the relay, and is kept, when the kept copy is stale or missing', async () => {
    await keepKeyConfig(new Uint8Array([1, 2, 3]), Date.now() - KEY_CONFIG_MAX_AGE_MS - 1, KEYS.origin);
    const t = keyConfigTransport(inner(), 'fetch-and-keep');
    expect(new Uint8Array(await (await t.fetchUnlinked!(KEYS)).arrayBuffer())).toEqual(new Uint8Array([9, 9, 9]));
    expect(fetched).toBe(1);
    // Kept now: the next start uses it.
    await t.fetchUnlinked!(KEYS);
    expect(fetched).toBe(1);
  });

  it('a refetch marked reload, and the periodic refresh, go past the kept copy to the relay', async () => {
    await keepKeyConfig(new Uint8Array([1, 2, 3]), Date.now(), KEYS.origin);
    const t = keyConfigTransport(inner(), 'fetch-and-keep');
    const res = await t.fetchUnlinked!(KEYS, { cache: 'reload' });
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([9, 9, 9]));
    await refreshKeyConfig(t);
    expect(fetched).toBe(2);
  });

  it('is not served for another origin than the one it was fetched at (another hop, or the relay)', async () => {
    await keepKeyConfig(new Uint8Array([1, 2, 3]), Date.now(), 'https://hop.relay.example.org');
    const res = await keyConfigTransport(inner(), 'fetch-and-keep').fetchUnlinked!(KEYS);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([9, 9, 9]));
    expect(fetched).toBe(1);
    await expect(keyConfigTransport(inner(), 'kept-only').fetchUnlinked!(new URL('/v1/ohttp/keys', 'https://hop.team.example.net'))).rejects.toThrow();
  });
});
