/**
 * @module commands/settings
 * `hardline settings privacy [off|balanced|strict]`: this device's send scheduler level (issue
 * 12, docs/protocol.md §7), kept in its encrypted state. Without a level it prints the one in
 * force, which the org policy's `metadata: high` raises to strict.
 * `hardline settings` alone prints that and the org policy in force (commands/policySummary.ts),
 * read afresh from the relay when it answers.
 */
import { parsePrivacyLevel } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';
import { policyLines } from './policySummary.ts';

const USAGE = 'usage: hardline settings [privacy [off|balanced|strict]]';

export async function settingsCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const { positionals } = parse(argv, {});
  const [what, value, ...extra] = positionals;
  if (what === undefined) return showAll(io, home);
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

async function showAll(io: Io, home: Home): Promise<number> {
  await withClient(home, async (c) => {
    // The newest signed policy if the relay answers; the one this device last verified if not.
    const offline = await c.refreshDirectory().then(() => false, (e: unknown) => {
      if (e instanceof HardlineError && e.code === 'REVOKED') throw e;
      return true;
    });
    io.out(`privacy: ${c.privacyLevel()}`);
    for (const line of policyLines(c.orgPolicy())) io.out(line);
    if (offline) io.out('  (the relay could not be reached: this is the policy this device last verified)');
  });
  return 0;
}
