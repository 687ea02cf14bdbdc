/**
 * @module commands/admin
 * `hardline admin invite`: the security team creates one-time enrolment codes.
 */
import { nodeTransport } from '@hardline/client/node';
import { parseRelayUrl, RelayApi } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse, requireString } from '../args.ts';
import type { Io } from '../output.ts';

export async function adminCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'invite') throw new HardlineError('USAGE', 'usage: hardline admin invite --server URL --token TOKEN [--handle HANDLE]');
  const { values } = parse(rest, { server: { type: 'string' }, token: { type: 'string' }, handle: { type: 'string' } });
  const api = new RelayApi(parseRelayUrl(requireString(values.server, '--server')), nodeTransport);
  const { code } = await api.adminInvite(requireString(values.token ?? process.env.HARDLINE_ADMIN_TOKEN, '--token'), values.handle);
  if (values.handle) io.out(`enrolment code for ${values.handle} (one use, expires in 7 days):`);
  io.out(code);
  return 0;
}
