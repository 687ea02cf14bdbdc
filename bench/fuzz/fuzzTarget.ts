/**
 * @module bench/fuzz/fuzzTarget
 * What one fuzz target is: a fast-check arbitrary of inputs and a check that feeds one input to
 * the code under test. The check passes when the code returns normally or fails the way it is
 * allowed to (a typed HardlineError, an HTTP error JSON, a WebSocket close code from the spec
 * table); it throws FuzzEscape for anything else, which is what the runner reports.
 */
import fc from 'fast-check';
import { isHardlineError } from '@hardline/protocol';

export type FuzzTarget<T = unknown> = {
  readonly name: string;
  /** Inputs of a full run (`npm run fuzz`); smaller runs scale this down. */
  readonly runs: number;
  readonly input: fc.Arbitrary<T>;
  check(input: T): void | Promise<void>;
};

/** A failure the fuzzer found: an error that is not one of the allowed, typed ones. */
export class FuzzEscape extends Error {}

export function target<T>(t: FuzzTarget<T>): FuzzTarget {
  return t as FuzzTarget;
}

/** Runs `fn`; a HardlineError (any subclass) is the allowed failure, anything else escapes. */
export async function typedOnly(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (isHardlineError(e)) return;
    throw new FuzzEscape(`untyped error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

/** The synchronous form, for decoders that never await: no promise per input. */
export function typedOnlySync(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (isHardlineError(e)) return;
    throw new FuzzEscape(`untyped error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

type Mutation = { readonly op: 'flip' | 'set' | 'cut' | 'insert' | 'dup'; readonly at: number; readonly value: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('flip', 'set', 'cut', 'insert', 'dup'),
  at: fc.nat(),
  value: fc.nat({ max: 255 }),
});

function mutate(seed: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Array.from(seed);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.op === 'flip' && at < b.length) b[at] = b[at]! ^ (1 << (m.value & 7));
    else if (m.op === 'set' && at < b.length) b[at] = m.value;
    else if (m.op === 'cut') b = b.slice(0, at).concat(b.slice(Math.min(b.length, at + 1 + (m.value & 15))));
    else if (m.op === 'insert') b.splice(at, 0, m.value);
    else if (m.op === 'dup') b.splice(at, 0, ...b.slice(at, at + (m.value & 31)));
  }
  return new Uint8Array(b);
}

/**
 * Bytes worth trying on a decoder: random ones (they fail at the first check), and valid
 * encodings with a few flips, cuts and insertions (they get past the first checks and reach
 * the parsing behind them, which random bytes almost never do).
 */
export function bytesNear(seeds: readonly Uint8Array[], maxRandom = 512): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength: maxRandom });
  if (seeds.length === 0) return random;
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([s, ms]) => mutate(s, ms));
  return fc.oneof({ arbitrary: random, weight: 1 }, { arbitrary: mutated, weight: 3 });
}

/** Text near valid text: the same mutations on its UTF-8, decoded leniently (as a reader would). */
export function textNear(seeds: readonly string[], maxRandom = 512): fc.Arbitrary<string> {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return fc.oneof(
    fc.string({ maxLength: maxRandom, unit: 'binary' }),
    bytesNear(seeds.map((s) => enc.encode(s)), maxRandom).map((b) => dec.decode(b)),
  );
}
