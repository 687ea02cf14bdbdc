/**
 * @module test/support/mlsGroup
 * A small MLS group at one epoch, for tests about keys and epochs rather than about who may
 * join: every credential is accepted. Device 1 creates the group and adds the others in one
 * commit; each of them joins from that Welcome.
 */
import type { ClientState } from 'ts-mls';
import {
  clientConfigWith,
  commitChanges,
  createConversationGroup,
  decodeKeyPackage,
  DEFAULT_SUITE,
  joinFromWelcome,
  loadSuite,
  members,
  newKeyPackage,
  type DeviceId,
  type Handle,
} from '../../src/index.ts';

/** Accepts every credential (the authentication service is not what these tests are about). */
export const acceptAll = clientConfigWith({ async validateCredential() { return true; } });

/** Device `n`: handle `u<n>`, its device id `n` in 32 hex digits. */
export const dev = (n: number) => ({ handle: `u${n}` as Handle, deviceId: n.toString(16).padStart(32, '0') as DeviceId });

export type MlsGroup = {
  readonly impl: Awaited<ReturnType<typeof loadSuite>>;
  /** Device i + 1's state: [0] the creator's after its add commit, then each joiner's. */
  readonly states: ClientState[];
  /** Device `n`'s leaf index in the group. */
  leafOf(n: number): number;
};

/** Devices 1 to `size` in one group; `groupId` as the test fixes it. */
export async function mlsGroup(size: number, groupId = new Uint8Array(16)): Promise<MlsGroup> {
  const impl = await loadSuite(DEFAULT_SUITE);
  const ids = Array.from({ length: size }, (_, i) => i + 1);
  const kps = await Promise.all(ids.map(async (n) => newKeyPackage(dev(n), await impl.signature.keygen(), impl)));
  const created = await createConversationGroup(groupId, kps[0]!, impl, acceptAll);
  const add = await commitChanges(created, { add: kps.slice(1).map((kp) => decodeKeyPackage(kp.bytes)) }, impl);
  const joined = await Promise.all(kps.slice(1).map((kp) => joinFromWelcome(add.welcome!, kp, impl, acceptAll)));
  const leafOf = (n: number) => members(add.newState).find((m) => m.id.deviceId === dev(n).deviceId)!.leafIndex;
  return { impl, states: [add.newState, ...joined], leafOf };
}
