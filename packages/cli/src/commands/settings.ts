/**
 * @module commands/settings
 * `hardline settings privacy [off|balanced|strict]`: this device's send scheduler level (issue
 * 12, docs/protocol.md §7), kept in its encrypted state. Without a level it prints the one in
 * force, which the org policy's `metadata: high` raises to strict.
 */
import { parsePrivacyLevel } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';

const USAGE = 'usage: hardline settings privacy [off|balanced|strict]';

export async function settingsCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const { positionals } = parse(argv, {});
  const [what, value, ...extra] = positionals;
  if (what !== 'privacy' || extra.length > 0) throw new HardlineError('USAGE', USAGE);
  // Checked before the state is opened: a typo changes nothing.
  const level = value === undefined ? undefined : parsePrivacyLevel(value);
  await withClient(home, async (c) => {
    if (level) await c.setPrivacyLevel(level);
    const inForce = c.privacyLevel();
    io.out(level && inForce !== level ? `privacy: ${inForce} (your organisation's policy asks for it; your own setting, ${level}, is kept)` : `privacy: ${inForce}`);
  });
  return 0;
}
