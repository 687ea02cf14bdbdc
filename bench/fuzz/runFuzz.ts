/**
 * @module bench/fuzz/runFuzz
 * Runs fuzz targets with fast-check, one after another, and reports per target how many inputs
 * ran, how long they took, and the first input that escaped (shrunk by fast-check). A seed
 * makes a run repeatable; `scale` shrinks every target's input count for quick runs.
 */
import fc from 'fast-check';
import type { FuzzTarget } from './fuzzTarget.ts';

export type FuzzResult = { readonly target: string; readonly inputs: number; readonly ms: number; readonly failure?: string };

export type FuzzOptions = { readonly seed: number; readonly scale: number; readonly log?: (line: string) => void };

export async function runFuzz(targets: readonly FuzzTarget[], opts: FuzzOptions): Promise<FuzzResult[]> {
  const results: FuzzResult[] = [];
  for (const t of targets) {
    const numRuns = Math.max(1, Math.round(t.runs * opts.scale));
    let inputs = 0;
    const t0 = performance.now();
    const details = await fc.check(
      fc.asyncProperty(t.input, async (input) => {
        inputs++;
        await t.check(input);
      }),
      { numRuns, seed: opts.seed, endOnFailure: false, maxSkipsPerRun: 0 },
    );
    const ms = performance.now() - t0;
    const failure = details.failed ? `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}; counterexample ${fc.stringify(details.counterexample).slice(0, 400)} (seed ${details.seed}, path ${details.counterexamplePath})` : undefined;
    const r: FuzzResult = { target: t.name, inputs, ms, ...(failure ? { failure } : {}) };
    opts.log?.(`${t.name}: ${inputs} inputs in ${(ms / 1000).toFixed(1)} s${failure ? ` FAILED: ${failure}` : ''}`);
    results.push(r);
  }
  return results;
}
