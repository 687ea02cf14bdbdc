/**
 * A broken connection is not a lying relay. Key transparency treats a relay that will not
 * prove two of its heads consistent as having forked its log (a split view, a blocking alarm
 * that tells the person to call their security team). Someone on the network path, or just a
 * bad link, can cut the consistency proof's answer mid-way or put a proxy's 502 page in its
 * place: the relay said nothing, so nothing may be recorded against it. The device keeps its
 * own head, and reconciles at the next chance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { enrol, readTexts } from '../support/clients.ts';
import { flakyTransport, type Fault, type FlakyTransport } from '../support/flakyTransport.ts';
import { startPair, type Pair } from '../support/pair.ts';

let pair: Pair;
let net: FlakyTransport;
let alice: HardlineClient;
let bob: HardlineClient;

beforeAll(async () => {
  net = flakyTransport(nodeTransport);
  ({ alice, bob } = pair = await startPair('relay-flaky-network', { alice: { client: { transport: net } } }));
}, 60_000);

afterAll(() => pair?.close());

/** Grows the log (a new person enrols) and makes sure bob has seen it, so his next message carries a newer head than alice holds. */
async function growLog(handle: string): Promise<void> {
  pair.opened.push(await enrol(pair.relay.url, pair.relay.adminToken!, handle));
  await bob.sync();
}

describe('a consistency proof that never arrives whole', () => {
  for (const fault of ['cut-mid-answer', 'proxy-502'] as Fault[]) {
    it(`(${fault}) records no split view, and the next exchange reconciles`, async () => {
      await growLog(`carol-${fault.slice(0, 3)}`);
      const met = net.met;
      net.failNext(/^\/v1\/transparency\/consistency\//, fault);
      await bob.send('alice', `after ${fault}`);
      // Whatever alice's sync makes of the failed call (an error, or the message held for
      // later), it is not evidence against the relay.
      const first = await readTexts(alice).catch(() => []);
      expect(net.met).toBe(met + 1);
      expect(alice.splitView()).toBeUndefined();

      const later = [...first, ...(await readTexts(alice))];
      expect(later).toContain(`after ${fault}`);
      expect(alice.splitView()).toBeUndefined();
      await alice.send('bob', `back from ${fault}`);
      expect(await readTexts(bob)).toContain(`back from ${fault}`);
      expect(bob.splitView()).toBeUndefined();
    }, 60_000);
  }
});
