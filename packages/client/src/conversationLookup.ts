/**
 * @module conversationLookup
 * What a name the user typed means on this device: a directory user, the direct conversation
 * with a handle, a group by its name, or (for `send`) whichever of these it names first. Reads
 * the device state only; nothing here asks the relay or changes anything.
 */
import { HardlineError, type Handle } from '@hardline/protocol';
import type { Conversation, DeviceState } from './deviceState.ts';
import type { DirectoryUser } from './relayApi.ts';

export function userByHandle(state: DeviceState, handle: string): DirectoryUser | undefined {
  return state.directory.find((u) => u.handle === handle);
}

/** The lowest id when there are several, so the choice does not depend on the order they were stored in. */
export function findDirect(state: DeviceState, handle: string): Conversation | undefined {
  return Object.values(state.conversations)
    .filter((c) => !c.left && c.roster.kind === 'direct' && c.roster.members.includes(handle as Handle))
    .sort((a, b) => a.id.localeCompare(b.id))[0];
}

export function findGroup(state: DeviceState, name: string): Conversation | undefined {
  return Object.values(state.conversations).find((c) => !c.left && c.roster.kind === 'group' && c.roster.name === name);
}

/**
 * A group's name first, then an existing direct conversation, then a directory user with no
 * conversation yet (`send` starts one).
 */
export function resolveTarget(state: DeviceState, to: string): Conversation | { handle: string } {
  const group = findGroup(state, to);
  if (group) return group;
  const h = to.toLowerCase();
  const direct = findDirect(state, h);
  if (direct) return direct;
  if (userByHandle(state, h)) return { handle: h };
  throw new HardlineError('NOT_FOUND', `"${to}" is neither a contact's handle nor a group`);
}
