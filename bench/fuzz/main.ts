/**
 * `npm run fuzz`: every decoder target and the relay's HTTP and WebSocket surface, about 1.2M
 * inputs in all, as a table. Exit status 1 when any input made something other than a typed
 * error come out. Options:
 *   npm run fuzz -- --seed 42        repeat a run
 *   npm run fuzz -- --scale 0.1      a tenth of the inputs per target
 *   npm run fuzz -- --only relay     targets whose name contains "relay"
 */
import { parseArgs } from 'node:util';
import { decoderTargets } from './decoderTargets.ts';
import { relayTargets } from './relayTargets.ts';
import { runFuzz } from './runFuzz.ts';

const { values } = parseArgs({ options: { seed: { type: 'string' }, scale: { type: 'string' }, only: { type: 'string' } } });
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const scale = values.scale !== undefined ? Number(values.scale) : 1;
if (!Number.isSafeInteger(seed) || !(scale > 0)) {
  console.error('usage: npm run fuzz -- [--seed N] [--scale X] [--only NAME]');
  process.exit(2);
}

const relay = await relayTargets();
try {
  const targets = [...(await decoderTargets()), ...relay.targets].filter((t) => values.only === undefined || t.name.includes(values.only));
  console.log(`fuzzing ${targets.length} targets, seed ${seed}, scale ${scale}`);
  const t0 = performance.now();
  const results = await runFuzz(targets, { seed, scale, log: (l) => console.log(l) });
  const total = results.reduce((n, r) => n + r.inputs, 0);
  const seconds = (performance.now() - t0) / 1000;
  console.table(results.map((r) => ({ target: r.target, inputs: r.inputs, seconds: +(r.ms / 1000).toFixed(1), 'inputs/s': Math.round(r.inputs / (r.ms / 1000)), result: r.failure ? 'FAILED' : 'ok' })));
  console.log(`${total} inputs in ${seconds.toFixed(0)} s (seed ${seed})`);
  const failed = results.filter((r) => r.failure);
  for (const r of failed) console.error(`${r.target}: ${r.failure}`);
  process.exitCode = failed.length > 0 ? 1 : 0;
} finally {
  await relay.close();
}
