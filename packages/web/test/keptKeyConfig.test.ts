/**
 * @module keptKeyConfig.test
 * The key config the page keeps for the service worker (session/keptKeyConfig.ts): whatever the
 * record holds, the worker gets a config only when it is well formed, within its size bound and
 * fetched within the maximum age (not from a clock ahead of this one); a refetch of the same
 * config within the refresh period costs no write.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const sealed = new Map<string, unknown>();
let writes = 0;
vi.mock('../src/platform/encryptedKv.ts', () => ({
  sealedGet: async (name: string) => structuredClone(sealed.get(name)),
  sealedPut: async (name: string, value: unknown) => void (writes++, sealed.set(name, structuredClone(value))),
}));

const { keepKeyConfig, keptKeyConfig, KEY_CONFIG_MAX_AGE_MS, KEY_CONFIG_REFRESH_MS } = await import('../src/session/keptKeyConfig.ts');

const NOW = 1_800_000_000_000;
const CONFIG = new Uint8Array([0, 41, 1, 0, 32, 7, 7, 7]);

beforeEach(() => {
  sealed.clear();
  writes = 0;
});

describe('the kept key config', () => {
  it('is given back while younger than the maximum age, and not after', async () => {
    await keepKeyConfig(CONFIG, NOW);
    expect(await keptKeyConfig(NOW + KEY_CONFIG_MAX_AGE_MS)).toEqual(CONFIG);
    expect(await keptKeyConfig(NOW + KEY_CONFIG_MAX_AGE_MS + 1)).toBeUndefined();
  });

  it('is not given back from a time ahead of the clock', async () => {
    await keepKeyConfig(CONFIG, NOW);
    expect(await keptKeyConfig(NOW - 1)).toBeUndefined();
  });

  it('is not given back from a malformed record', async () => {
    for (const bad of [null, 'x', { config: 7, fetchedAt: NOW }, { config: 'AAAA' }, { config: '', fetchedAt: NOW }, { config: '%%%', fetchedAt: NOW }, { config: 'A'.repeat(8000), fetchedAt: NOW }]) {
      sealed.set('ingress-keys', bad);
      expect(await keptKeyConfig(NOW)).toBeUndefined();
    }
  });

  it('keeps nothing empty or oversized', async () => {
    await keepKeyConfig(new Uint8Array(0), NOW);
    await keepKeyConfig(new Uint8Array(5000), NOW);
    expect(writes).toBe(0);
  });

  it('writes the same config again only once the refresh period has passed', async () => {
    await keepKeyConfig(CONFIG, NOW);
    await keepKeyConfig(CONFIG, NOW + 60_000);
    expect(writes).toBe(1);
    await keepKeyConfig(CONFIG, NOW + KEY_CONFIG_REFRESH_MS);
    expect(writes).toBe(2);
    await keepKeyConfig(new Uint8Array([1, 2, 3]), NOW + KEY_CONFIG_REFRESH_MS + 1);
    expect(writes).toBe(3);
  });
});
