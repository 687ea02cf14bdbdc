/**
 * The benchmark page (bench/webStorage.bench.ts): the app's sealed storage as it ships, and
 * the format before crypto-shredding (one key stored in IndexedDB), timed in the same page.
 */
import { forgetStateKey, installKeyFile, sealedGet, sealedPutJson } from '../../packages/web/src/platform/encryptedKv.ts';
import { workerKeyFile } from '../../packages/web/src/platform/workerKeyFile.ts';
import * as before from './beforeShredding.ts';

installKeyFile(workerKeyFile());

type Impl = { put(name: string, json: string): Promise<void>; get(name: string): Promise<unknown>; cold(): void };

const impls: Record<'before' | 'after', Impl> = {
  before: { put: before.sealedPutJson, get: before.sealedGet, cold: before.forgetStateKey },
  after: { put: sealedPutJson, get: sealedGet, cold: forgetStateKey },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median save and cold open (cached key dropped, as at a start) of one record of `bytes`. */
async function measure(which: 'before' | 'after', bytes: number, rounds: number): Promise<{ save: number; open: number }> {
  const impl = impls[which];
  const json = JSON.stringify({ pad: 'x'.repeat(bytes) });
  const saves: number[] = [];
  const opens: number[] = [];
  await impl.put(`bench-${bytes}`, json);
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await impl.put(`bench-${bytes}`, json);
    saves.push(performance.now() - t);
    impl.cold();
    t = performance.now();
    await impl.get(`bench-${bytes}`);
    opens.push(performance.now() - t);
  }
  return { save: median(saves), open: median(opens) };
}

Object.assign(globalThis, { hardlineStorageBench: measure });
