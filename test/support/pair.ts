/**
 * @module test/support/pair
 * The usual opening of a test from the hostile relay's side: a relay on its own SQLite store and
 * two people on it, alice and bob, in-process, who have already exchanged a first message (so
 * each has pinned the other's identity key and the log's head). What the attacker does next
 * (write into the relay's store, stand in alice's transport) is the test's own business.
 */
import { expect } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { enrol, readTexts, type EnrolOptions } from './clients.ts';
import { startTestRelay, type TestRelay } from './testRelay.ts';

/** Options for one person's device, or a function of the running relay (a forked log needs it). */
type PersonOptions = EnrolOptions | ((relay: TestRelay) => EnrolOptions);

export type PairOptions = { readonly alice?: PersonOptions; readonly bob?: PersonOptions };

export type Pair = {
  readonly relay: TestRelay;
  readonly alice: HardlineClient;
  readonly bob: HardlineClient;
  /** Every client to close at the end: alice and bob, and whatever the test pushes here. */
  readonly opened: HardlineClient[];
  /** Closes every client in `opened`, then the relay. */
  close(): Promise<void>;
};

/** `name` prefixes the relay's data directory. The first message alice sends bob is 'before'. */
export async function startPair(name: string, options: PairOptions = {}): Promise<Pair> {
  const relay = await startTestRelay(name);
  const opened: HardlineClient[] = [];
  const close = async () => {
    for (const c of opened) c.close();
    await relay.close();
  };
  const person = async (handle: 'alice' | 'bob', o: PersonOptions = {}) => {
    const c = await enrol(relay.url, relay.adminToken!, handle, typeof o === 'function' ? o(relay) : o);
    opened.push(c);
    return c;
  };
  try {
    const alice = await person('alice', options.alice);
    const bob = await person('bob', options.bob);
    await alice.send('bob', 'before');
    expect(await readTexts(bob)).toEqual(['before']);
    return { relay, alice, bob, opened, close };
  } catch (e) {
    // A setup that fails half-way leaves no relay listening behind it.
    await close();
    throw e;
  }
}
