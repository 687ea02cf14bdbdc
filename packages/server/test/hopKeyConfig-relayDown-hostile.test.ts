/**
 * @module hopKeyConfig-relayDown-hostile.test
 * A relay that stops answering the hop's key-config fetch (ingress/sharedKeyConfig.ts). The hop
 * then hands out the last good config, but were it to ask the relay again for every client that
 * asks, the relay would see each client's key fetch as it happens (the hop's fetch, a moment
 * after the client's): the timing of every page start and refetch, to line up with what it sees
 * of each device's own address, and a moment of its choosing to answer one of them with a key
 * of its own. And any stranger could make the hop ask the relay as often as it asks the hop.
 * The hop asks a down relay no more than once per RETRY_MS, however many clients ask, and once it
 * has a config only on its own timer (refresh).
 */
import { describe, expect, it } from 'vitest';
import { KEEP_MS, RETRY_MS, SharedKeyConfig } from '../src/ingress/sharedKeyConfig.ts';
import type { UpstreamAnswer } from '../src/ingress/hopUpstream.ts';

function hop(relay: () => Promise<UpstreamAnswer>) {
  let now = 0;
  const fetches: number[] = [];
  const keys = new SharedKeyConfig(async () => (fetches.push(now), relay()), new URL('http://relay/v1/ohttp/keys'), 1_000, () => now);
  return { keys, fetches, tick: (ms: number) => (now += ms) };
}

const config = async (): Promise<UpstreamAnswer> => ({ status: 200, contentType: 'application/ohttp-keys', body: new Uint8Array([1]) });
const down = async (): Promise<UpstreamAnswer> => ({ status: 503, contentType: 'text/plain', body: new Uint8Array(0) });

describe('a relay that stops answering the hop', () => {
  it('does not see a fetch for each client that asks while it is down', async () => {
    let up = true;
    const t = hop(() => (up ? config() : down()));
    await t.keys.current();
    up = false;
    t.tick(KEEP_MS);
    await t.keys.refresh();
    // Ten clients ask, a few seconds apart, and the hop's timer runs: each still gets the last good config.
    for (let i = 0; i < 10; i++) {
      expect(await t.keys.current()).toEqual({ body: new Uint8Array([1]) });
      await t.keys.refresh();
      t.tick(3_000);
    }
    // One fetch for the first period, one when it ran out; none for the clients after it.
    expect(t.fetches).toEqual([0, KEEP_MS]);
  });

  it('is asked again once RETRY_MS has passed, and its answer then holds for a period', async () => {
    let up = true;
    const t = hop(() => (up ? config() : down()));
    await t.keys.current();
    up = false;
    t.tick(KEEP_MS);
    await t.keys.refresh();
    up = true;
    t.tick(RETRY_MS);
    await t.keys.refresh();
    t.tick(1_000);
    await t.keys.refresh();
    await t.keys.current();
    expect(t.fetches).toEqual([0, KEEP_MS, KEEP_MS + RETRY_MS]);
  });

  it('that never answered is not asked once per client either', async () => {
    const t = hop(down);
    for (let i = 0; i < 5; i++) {
      expect(await t.keys.current()).toHaveProperty('unavailable');
      t.tick(1_000);
    }
    expect(t.fetches).toEqual([0]);
  });
});
