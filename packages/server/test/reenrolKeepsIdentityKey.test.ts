/**
 * @module reenrolKeepsIdentityKey.test
 * The identity key a user published is written only by an enrolment that brings one
 * (sqliteRelayStore.ts enrol): an invite enrolment without a key (an older client, or one
 * that sends its key later) must not blank the published key, which would leave the directory
 * showing the person with no key at all, as if they had never had a safety number.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { DeviceId, Handle, UserId } from '@hardline/protocol';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

const id = <T>(): T => randomBytes(16).toString('hex') as T;

async function enrolBob(store: SqliteRelayStore, identityKey?: string) {
  const codeHash = randomBytes(32);
  const now = Date.now();
  // Named by the security team: the second enrolment is a re-enrolment of the same person.
  await store.createCode({ hash: codeHash, kind: 'invite', handle: 'bob' as Handle, expiresAt: now + 86_400_000 });
  return store.enrol({
    codeHash,
    handle: 'bob' as Handle,
    displayName: 'bob',
    publicKey: randomBytes(32),
    newUserId: id<UserId>(),
    newDeviceId: id<DeviceId>(),
    now,
    ...(identityKey !== undefined ? { identityKey } : {}),
  });
}

it('an enrolment without an identity key leaves the published one alone', async () => {
  const store = new SqliteRelayStore(tmpDir(), { notice: () => {} });
  const key = randomBytes(32).toString('base64url');
  const first = await enrolBob(store, key);
  const again = await enrolBob(store);
  expect(again.userId).toBe(first.userId);
  const bob = (await store.listDirectory()).find((u) => u.handle === 'bob')!;
  expect(bob.identityKey).toBe(key);
  await store.close();
});
