/**
 * @module commands/verify
 * `hardline verify HANDLE [--number DIGITS | --accept-new-key]`: the safety number with a
 * person (from the two identity keys), marking them verified when the digits they read out
 * match, or accepting their new identity key after a re-enrolment (sending is held until then).
 */
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';

const USAGE = 'usage: hardline verify HANDLE [--number "DIGITS"] [--accept-new-key] [--json]';

export async function verifyCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const { values, positionals } = parse(argv, { number: { type: 'string' }, 'accept-new-key': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } });
  const [handle] = positionals;
  if (!handle || positionals.length > 1 || (values.number !== undefined && values['accept-new-key'])) throw new HardlineError('USAGE', USAGE);
  return withClient(home, async (c) => {
    await c.sync();
    const pin = c.identityOf(handle);
    if (!pin) throw new HardlineError('NOT_FOUND', `no identity key is known for "${handle}" yet`);
    if (values['accept-new-key']) {
      if (!pin.changedTo) throw new HardlineError('USAGE', `${handle}'s identity key has not changed`);
      await c.acknowledgeIdentity(handle);
      io.out(`accepted ${handle}'s new identity key; compare safety numbers again to mark them verified`);
      return 0;
    }
    if (pin.changedTo) throw new HardlineError('IDENTITY_CHANGED', `${handle}'s identity key changed; compare the new safety number in person, then run: hardline verify ${handle} --accept-new-key`);
    const n = c.safetyNumber(handle)!;
    if (values.number !== undefined) {
      if (!(await c.verifyIdentity(handle, values.number))) throw new HardlineError('CONFLICT', `the digits do not match the safety number with ${handle}: do not trust this contact until they do`);
      io.out(values.json ? JSON.stringify({ handle, verified: true }) : `${handle} is verified`);
      return 0;
    }
    io.out(values.json ? JSON.stringify({ handle, safetyNumber: n.groups.join(' '), verified: pin.verified === true }) : `${n.groups.join(' ')}${pin.verified ? '  (verified)' : ''}`);
    return 0;
  });
}
