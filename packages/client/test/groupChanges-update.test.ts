/**
 * @module groupChanges-update.test
 * Renaming a group or setting its timer (groupChanges.ts `update`), checked against this
 * device's own view before anything is committed: a name another group already has is refused
 * (a `send` by that name would reach either), a change that changes nothing commits nothing (no
 * lock request, no new epoch for every member to process), and a device removed from the group
 * by the sync that precedes the commit (another member removed this user meanwhile) sends its
 * change into no group at all.
 */
import { describe, expect, it } from 'vitest';
import type { Handle, Roster } from '@hardline/protocol';
import type { Conversation, DeviceState } from '../src/deviceState.ts';
import { GroupChanges, type GroupHost } from '../src/groupChanges.ts';
import { NO_ORG } from '../src/orgPolicy.ts';

const ALICE = 'alice' as Handle;

function group(id: string, name: string): Conversation {
  const roster: Roster = { v: 1, kind: 'group', name, members: [ALICE, 'bob' as Handle], devices: [], sealSecrets: [] };
  return { id, roster, mlsState: '', mailbox: { id: '' as never, readCap: '' }, pending: [], messages: [], left: false };
}

/** Alice's device with groups "team" and "ops"; records syncs and commits. */
function alicesDevice(onSync: () => void = () => {}) {
  const team = group('c1', 'team');
  const state = { handle: ALICE, directory: [], conversations: { c1: team, c2: group('c2', 'ops') } } as unknown as DeviceState;
  const seen = { syncs: 0, commits: [] as Roster[] };
  const host: GroupHost = {
    state,
    orgState: () => NO_ORG,
    sync: async () => {
      seen.syncs++;
      onSync();
    },
    createConversation: async () => Promise.reject(new Error('not used')),
    commitWithLock: async (conv, _members, settings) => void seen.commits.push(settings ? settings(conv.roster) : conv.roster),
    save: async () => {},
  };
  return { team, seen, changes: new GroupChanges(host) };
}

describe('GroupChanges.update', () => {
  it('(a rename commits the new name)', async () => {
    const { seen, changes } = alicesDevice();
    await changes.update('c1', { name: ' design ' });
    expect(seen.commits.map((r) => r.name)).toEqual(['design']);
  });

  it('a name another group has is refused with CONFLICT, before any sync or commit', async () => {
    const { seen, changes } = alicesDevice();
    await expect(changes.update('c1', { name: 'ops ' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(seen).toEqual({ syncs: 0, commits: [] });
  });

  it('a change that changes nothing commits nothing', async () => {
    const { seen, changes } = alicesDevice();
    await changes.update('c1', { name: 'team' });
    await changes.update('c1', { timerSeconds: 0 });
    expect(seen.commits).toEqual([]);
  });

  it('removed from the group by the sync before the commit: NOT_FOUND, and nothing is committed', async () => {
    const d = alicesDevice(() => (d.team.left = true));
    await expect(d.changes.update('c1', { name: 'renamed' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(d.seen.commits).toEqual([]);
  });
});
