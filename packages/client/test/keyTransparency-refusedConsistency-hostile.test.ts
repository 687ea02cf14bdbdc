/**
 * @module keyTransparency-refusedConsistency-hostile.test
 * A relay asked for the consistency proof joining two of its heads that answers with a refusal
 * of its own (an error code in its JSON, a proof too malformed to decode) instead of a proof. Only
 * an answer that never came (the client's typed UNAVAILABLE) waits to be asked again
 * (withheldProof.ts); a refusal the relay sends is no better than a wrong proof: the two heads
 * are a forked log at once, and the head that no proof joins is not adopted.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, HardlineError, type Handle } from '@hardline/protocol';
import { SplitViewError } from '../src/keyTransparency.ts';
import { deviceOn, transparencyLog } from './support/transparencyLog.ts';

const BOB = 'bob' as Handle;

/** What the relay sends instead of the proof, as the client's TransparencyApi throws it. */
const refusals: [string, () => unknown][] = [
  ['its own error code (NOT_FOUND)', () => new HardlineError('NOT_FOUND', 'no such range')],
  ['a proof too malformed to decode', () => new DecodeError('base64 value too long')],
  // Not the client's typed outage, whatever code it carries: nothing says the relay was unreachable.
  ['an untyped error carrying the outage code', () => Object.assign(new Error('socket hang up'), { code: 'UNAVAILABLE' })],
];

describe('a relay that refuses the consistency proof between its heads', () => {
  for (const [what, refusal] of refusals) {
    it(`${what}, for a peer's head: a forked log at once, no proof waiting`, async () => {
      const log = transparencyLog();
      log.routes.consistency = async () => Promise.reject(refusal());
      const ours = log.head(10);
      const { kt, state } = deviceOn(log.api, { logKey: log.key.publicKey, head: ours });
      await kt.onPeerHead(log.head(14), BOB, log.key.publicKey);
      expect(kt.splitView()).toMatchObject({ reason: 'forked-log', via: 'gossip', from: BOB, ours, theirs: log.head(14) });
      expect(kt.splitView()!.proofWithheld).toBeUndefined();
      expect(state.withheld).toBeUndefined();
      expect(state.head).toEqual(ours);
    });

    it(`${what}, for its own newer head: the refresh fails with SPLIT_VIEW and the head is not adopted`, async () => {
      const log = transparencyLog();
      log.routes.consistency = async () => Promise.reject(refusal());
      const ours = log.head(10);
      log.current = log.head(14);
      const { kt, state } = deviceOn(log.api, { logKey: log.key.publicKey, head: ours });
      await expect(kt.refreshHead()).rejects.toBeInstanceOf(SplitViewError);
      expect(kt.splitView()).toMatchObject({ reason: 'forked-log', via: 'relay', ours, theirs: log.head(14) });
      expect(state.head).toEqual(ours);
    });
  }
});
