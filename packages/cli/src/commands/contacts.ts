/**
 * @module commands/contacts
 * `hardline contacts add|list`.
 */
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';

export async function contactsCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') {
    const { values, positionals } = parse(rest, { name: { type: 'string' } });
    const handle = positionals[0];
    if (!handle) throw new HardlineError('USAGE', 'usage: hardline contacts add HANDLE [--name NAME]');
    await withClient(home, (c) => c.addContact(handle, values.name));
    io.out(`added ${handle.toLowerCase()}`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parse(rest, { json: { type: 'boolean', default: false } });
    const list = await withClient(home, async (c) => c.contacts());
    for (const ct of list) io.out(values.json ? JSON.stringify(ct) : `${ct.handle}\t${ct.name}`);
    return 0;
  }
  throw new HardlineError('USAGE', 'usage: hardline contacts add HANDLE [--name NAME] | contacts list [--json]');
}
