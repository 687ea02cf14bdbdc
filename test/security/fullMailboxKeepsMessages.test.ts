/**
 * A full mailbox loses no message (issue 10 §3). When the recipient's mailbox is at its quota
 * (an attacker flooded it, or its device has been away very long), the relay refuses the post
 * with MAILBOX_FULL; the sender's client must keep the envelope queued and say so, not report
 * the message sent and not drop it, and deliver it once the recipient has picked up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineError } from '@hardline/protocol';
import type { HardlineClient } from '@hardline/client';
import { startTestRelay, type TestRelay } from '../../packages/server/test/support/testRelay.ts';
import { enrol, readTexts } from '../support/clients.ts';

let relay: TestRelay;
let alice: HardlineClient;
let bob: HardlineClient;
beforeAll(async () => {
  relay = await startTestRelay({ limits: { maxMailboxEnvelopes: 4 } });
  alice = await enrol(relay.url, relay.adminToken, 'alice');
  bob = await enrol(relay.url, relay.adminToken, 'bob');
});
afterAll(() => {
  alice?.close();
  bob?.close();
});

async function sendOutcome(text: string): Promise<HardlineError | undefined> {
  try {
    await alice.send('bob', text);
    return undefined;
  } catch (e) {
    if (e instanceof HardlineError) return e;
    throw e;
  }
}

describe('a message to a full mailbox', () => {
  it('stays queued with a clear error, and goes out once the recipient has picked up', async () => {
    const sent: string[] = [];
    let refused: HardlineError | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const text = `message ${i}`;
      sent.push(text);
      refused = await sendOutcome(text);
    }
    expect(refused?.code).toBe('MAILBOX_FULL');
    expect(refused?.message).toMatch(/stay queued/);
    expect(refused?.message).toMatch(/mailbox on the relay is full/);
    const queued = alice.pendingOutbox();
    expect(queued).toBeGreaterThan(0);
    // Still full: the next one queues behind it, and nothing already queued is dropped.
    sent.push('one more');
    expect((await sendOutcome('one more'))?.code).toBe('MAILBOX_FULL');
    expect(alice.pendingOutbox()).toBeGreaterThan(queued);

    // Meanwhile Alice still receives: what waits in her outbox does not stop her inbox.
    await bob.send('alice', 'are you there?', { sync: false });
    expect(await readTexts(alice)).toEqual(['are you there?']);
    expect(alice.pendingOutbox()).toBeGreaterThan(queued);

    // Bob comes back and picks up what the relay held; then Alice's queue goes out whole.
    const first = await readTexts(bob);
    expect(await alice.flushOutbox()).toBeGreaterThan(0);
    expect(alice.pendingOutbox()).toBe(0);
    const rest = await readTexts(bob);
    expect([...first, ...rest]).toEqual(sent);
  });
});
