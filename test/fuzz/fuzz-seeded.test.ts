/**
 * A small, seeded run of the fuzzer (`npm run fuzz` runs the full one, over a million inputs):
 * every protocol decoder and the relay's HTTP routes and WebSocket endpoints get a few hundred
 * random and mutated inputs each, and only typed errors may come out. Fixed seed, so a failure
 * here repeats; the full run with other seeds finds new ones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decoderTargets } from '../../bench/fuzz/decoderTargets.ts';
import { relayTargets, type RelayFuzz } from '../../bench/fuzz/relayTargets.ts';
import { runFuzz } from '../../bench/fuzz/runFuzz.ts';

const SEED = 20_261_128;
const SCALE = 0.005;

let relay: RelayFuzz | undefined;
afterAll(async () => {
  await relay?.close();
});

describe('fuzz (seeded, small)', () => {
  it('protocol decoders: only typed errors', async () => {
    const results = await runFuzz(await decoderTargets(), { seed: SEED, scale: SCALE });
    expect(results.length).toBeGreaterThanOrEqual(15);
    expect(results.filter((r) => r.failure).map((r) => `${r.target}: ${r.failure}`)).toEqual([]);
  });

  it('relay HTTP and WebSocket surface: only error JSON and spec close codes', async () => {
    relay = await relayTargets();
    const results = await runFuzz(relay.targets, { seed: SEED, scale: SCALE });
    expect(results.map((r) => r.inputs).reduce((a, b) => a + b)).toBeGreaterThan(500);
    expect(results.filter((r) => r.failure).map((r) => `${r.target}: ${r.failure}`)).toEqual([]);
  });
});
