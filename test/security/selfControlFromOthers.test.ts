/**
 * Control messages for the user's own devices (the contact book's key, `book-key`) are accepted
 * only from the user's own devices, in a self conversation that holds nobody else. Another user
 * in a conversation with the victim can commit a roster that says "self" (hostileClient.ts); a
 * book key sent there must be dropped, or the attacker would choose the key the victim's book
 * is sealed under.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import type { BookKeyMessage, Handle } from '@hardline/protocol';
import { startTestRelay, type TestRelay } from '../../packages/server/test/support/testRelay.ts';
import { enrol, linkDevice } from '../support/clients.ts';
import { commitForgedRoster } from '../support/hostileClient.ts';

let relay: TestRelay;
let bob: HardlineClient;
let mallory: HardlineClient;
beforeAll(async () => {
  relay = await startTestRelay();
  bob = await enrol(relay.url, relay.adminToken, 'bob');
  mallory = await enrol(relay.url, relay.adminToken, 'mallory');
});
afterAll(() => {
  bob?.close();
  mallory?.close();
});

const bookKey = (id: string): BookKeyMessage => ({ t: 'book-key', id, key: 'ab'.repeat(32), generation: 7, sentAt: new Date().toISOString() });

describe('book keys from another handle', () => {
  for (const members of [['mallory'], ['bob'], ['mallory', 'bob']]) {
    it(`are dropped when another user relabels a shared conversation as "self" of ${members.join('+')}`, async () => {
      const trap = await mallory.createConversation('direct', '', ['bob']);
      await bob.sync();
      await commitForgedRoster(mallory, trap, { ...trap.roster, kind: 'self', members: members as Handle[] });
      await mallory.sendControl(trap.id, bookKey(`from-mallory-${members.join('+')}`) as never);
      await bob.sync();
      expect(await bob.takeSelfMessages()).toEqual([]);
    });
  }

  it('are taken from the user’s own other device (the channel the refusal above protects)', async () => {
    const bob2 = await linkDevice(bob);
    await bob.sync();
    await bob2.sendToSelf(bookKey('from-bob2'));
    await bob.sync();
    expect((await bob.takeSelfMessages()).map((m) => m.id)).toEqual(['from-bob2']);
    bob2.close();
  });
});
