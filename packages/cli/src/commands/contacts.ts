/**
 * @module commands/contacts
 * `hardline contacts add|list`: the same encrypted contact book the web app keeps, synced
 * across this user's devices (docs/protocol.md §9).
 */
import { ContactBookService, type HardlineClient } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';

async function openBook(client: HardlineClient): Promise<ContactBookService> {
  const book = await ContactBookService.open(client);
  await book.sync();
  return book;
}

export async function contactsCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'add') {
    const { values, positionals } = parse(rest, { name: { type: 'string' } });
    const handle = positionals[0]?.toLowerCase();
    if (!handle || positionals.length > 1) throw new HardlineError('USAGE', 'usage: hardline contacts add HANDLE [--name NAME]');
    await withClient(home, async (c) => {
      const user = (await c.refreshDirectory()).find((u) => u.handle === handle);
      if (!user) throw new HardlineError('NOT_FOUND', `no user "${handle}" in this organisation's directory`);
      const book = await openBook(c);
      const existing = book.list().find((x) => x.hardlineHandle === handle);
      await book.upsert({ ...(existing ? { id: existing.id } : {}), name: values.name ?? existing?.name ?? user.displayName, hardlineHandle: handle });
      await book.sync({ engine: false });
    });
    io.out(`added ${handle}`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parse(rest, { json: { type: 'boolean', default: false } });
    await withClient(home, async (c) => {
      for (const ct of (await openBook(c)).list()) {
        const pin = ct.hardlineHandle ? c.identityOf(ct.hardlineHandle) : undefined;
        // The mark is for the identity key as it stands: a changed key is never shown as verified.
        const trust = pin ? { verified: pin.verified === true && !pin.changedTo, ...(pin.changedTo ? { identityChanged: true } : {}) } : {};
        const row = ct.hardlineHandle ? { handle: ct.hardlineHandle, name: ct.name, ...trust } : { handle: null, name: ct.name, phones: ct.phones, emails: ct.emails };
        io.out(values.json ? JSON.stringify(row) : `${row.handle ?? '(not on Hardline)'}\t${row.name}${'verified' in row && row.verified ? '\t(verified)' : ''}${'identityChanged' in row ? '\t(identity key changed)' : ''}`);
      }
    });
    return 0;
  }
  if (sub === 'export') {
    // vCards on stdout; refused with POLICY_FORBIDS when the org policy keeps contacts inside Hardline.
    await withClient(home, async (c) => io.out((await openBook(c)).exportVCard()));
    return 0;
  }
  throw new HardlineError('USAGE', 'usage: hardline contacts add HANDLE [--name NAME] | contacts list [--json] | contacts export');
}
