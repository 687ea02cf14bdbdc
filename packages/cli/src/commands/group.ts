/**
 * @module commands/group
 * `hardline group create|add|remove|rename|leave`.
 */
import type { HardlineClient } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';

const USAGE = 'usage: hardline group create NAME --members h1,h2 | group add NAME HANDLE | group remove NAME HANDLE | group rename NAME NEW_NAME | group leave NAME';

export async function groupCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest, { members: { type: 'string' } });
  const [name, handle] = positionals;
  if (!name) throw new HardlineError('USAGE', USAGE);
  if (sub === 'create') {
    const members = (values.members ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (members.length === 0) throw new HardlineError('USAGE', USAGE);
    await withClient(home, (c) => c.groupCreate(name, members));
    io.out(`created group ${name}`);
    return 0;
  }
  if ((sub === 'add' || sub === 'remove') && handle) {
    await withClient(home, (c) => (sub === 'add' ? c.groupAdd(name, handle) : c.groupRemove(name, handle)));
    io.out(`${sub === 'add' ? 'added' : 'removed'} ${handle} ${sub === 'add' ? 'to' : 'from'} ${name}`);
    return 0;
  }
  if (sub === 'rename' && handle) {
    const newName = handle;
    await withClient(home, (c) => c.updateConversation(groupId(c, name), { name: newName }));
    io.out(`renamed group ${name} to ${newName}`);
    return 0;
  }
  if (sub === 'leave' && !handle) {
    await withClient(home, (c) => c.leaveGroup(groupId(c, name)));
    io.out(`left group ${name}`);
    return 0;
  }
  throw new HardlineError('USAGE', USAGE);
}

function groupId(c: HardlineClient, name: string): string {
  const g = c.conversations().find((x) => !x.left && x.roster.kind === 'group' && x.roster.name === name);
  if (!g) throw new HardlineError('NOT_FOUND', `no group named "${name}"`);
  return g.id;
}
