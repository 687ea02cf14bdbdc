/**
 * @module groupChanges
 * What the user asks of a group: create it, add or remove a member, rename it or set its
 * disappearing timer, leave it. Each checks the request against the device's own view, syncs,
 * and hands the new member list (or roster settings) to membershipCommits.ts, which makes the
 * commit under the relay's epoch lock. What HardlineClient lends comes in through GroupHost.
 */
import { HardlineError, type Handle, type Roster } from '@hardline/protocol';
import { changesNothing, validateSettingsChange, withSettings, type SettingsChange } from './conversationSettings.ts';
import { findGroup, userByHandle } from './conversationLookup.ts';
import type { Conversation, DeviceState } from './deviceState.ts';
import { timerWithinPolicy, type OrgState } from './orgPolicy.ts';

export type GroupHost = {
  readonly state: DeviceState;
  orgState(): OrgState;
  sync(): Promise<unknown>;
  createConversation(kind: 'group', name: string, memberHandles: string[]): Promise<Conversation>;
  commitWithLock(conv: Conversation, newMembers: readonly Handle[], settings?: (r: Roster) => Roster): Promise<void>;
  save(): Promise<void>;
};

export class GroupChanges {
  constructor(private readonly host: GroupHost) {}

  async create(name: string, memberHandles: string[]): Promise<Conversation> {
    if (!name || name.length > 64) throw new HardlineError('VALIDATION', 'group name must be 1-64 characters');
    if (userByHandle(this.host.state, name.toLowerCase())) throw new HardlineError('VALIDATION', `"${name}" is a user's handle; pick another group name`);
    await this.host.sync();
    return this.host.createConversation('group', name, memberHandles);
  }

  async add(name: string, handle: string): Promise<void> {
    await this.host.sync();
    const conv = requireGroup(this.host.state, name);
    const h = handle.toLowerCase();
    if (!userByHandle(this.host.state, h)) throw new HardlineError('NOT_FOUND', `no user "${handle}" in this organisation's directory`);
    if (conv.roster.members.includes(h as Handle)) return;
    await this.host.commitWithLock(conv, [...conv.roster.members, h as Handle]);
  }

  async remove(name: string, handle: string): Promise<void> {
    await this.host.sync();
    const conv = requireGroup(this.host.state, name);
    const h = handle.toLowerCase() as Handle;
    if (!conv.roster.members.includes(h)) throw new HardlineError('NOT_FOUND', `${handle} is not in group ${name}`);
    await this.host.commitWithLock(conv, conv.roster.members.filter((m) => m !== h));
  }

  /**
   * Renames a group or sets the disappearing timer: a commit carrying the new roster, so every
   * device of every member (and every later one) holds the same settings.
   */
  async update(conversationId: string, change: SettingsChange): Promise<void> {
    const { state } = this.host;
    const conv = requireConversation(state, conversationId);
    // Validated as asked first: a bad value (a negative timer) is an error, not something to clamp.
    validateSettingsChange(conv.roster, change);
    // The org policy's bounds: a valid timer outside them is moved to the nearest one allowed.
    if (change.timerSeconds !== undefined) change = { ...change, timerSeconds: timerWithinPolicy(this.host.orgState(), state.handle, change.timerSeconds) };
    if (change.name !== undefined && change.name.trim() !== conv.roster.name && findGroup(state, change.name.trim())) {
      throw new HardlineError('CONFLICT', `a group named "${change.name.trim()}" already exists`);
    }
    await this.host.sync();
    if (conv.left) throw new HardlineError('NOT_FOUND', 'you are no longer in this conversation');
    if (changesNothing(conv.roster, change)) return;
    await this.host.commitWithLock(conv, conv.roster.members, (r) => withSettings(r, change, state.handle, new Date()));
  }

  /**
   * Leaves a group. MLS does not let a device commit its own removal, so this device commits
   * a roster without this user (removing the user's other devices) and forgets the group; the
   * next member device that syncs removes this last leaf, which also rotates the seal secret.
   */
  async leave(conversationId: string): Promise<void> {
    const { state } = this.host;
    const conv = requireConversation(state, conversationId);
    if (conv.roster.kind !== 'group') throw new HardlineError('VALIDATION', 'only a group can be left');
    await this.host.sync();
    if (!conv.left) await this.host.commitWithLock(conv, conv.roster.members.filter((m) => m !== state.handle));
    conv.left = true;
    await this.host.save();
  }
}

function requireConversation(state: DeviceState, id: string): Conversation {
  const conv = state.conversations[id];
  if (!conv || conv.left) throw new HardlineError('NOT_FOUND', 'no such conversation on this device');
  return conv;
}

function requireGroup(state: DeviceState, name: string): Conversation {
  const g = findGroup(state, name);
  if (!g) throw new HardlineError('NOT_FOUND', `no group named "${name}"`);
  return g;
}
