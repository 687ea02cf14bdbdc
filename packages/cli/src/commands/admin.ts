/**
 * @module commands/admin
 * `hardline admin invite`: the security team creates one-time enrolment codes.
 * `hardline admin token --rotate`: on the relay's host, replaces a lost or leaked admin token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeTransport } from '@hardline/client/node';
import { parseRelayUrl, RelayApi } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse, requireString } from '../args.ts';
import type { Io } from '../output.ts';

const INVITE_USAGE = 'hardline admin invite --server URL [--token TOKEN | --token-file F] [--handle HANDLE]';
const TOKEN_USAGE = 'hardline admin token --rotate --data DIR';

export async function adminCommand(argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv;
  // Signed with the org key (adminOrg.ts): once an org key is installed, invites must be.
  if ((sub === 'invite' && rest.some((a) => a.startsWith('--org-key'))) || ['key', 'revoke', 'policy', 'approve-link', 'audit', 'devices', 'briefing'].includes(sub ?? '')) {
    return (await import('./adminOrg.ts')).adminOrgCommand(sub!, rest, io);
  }
  if (sub === 'invite') return invite(rest, io);
  if (sub === 'token') return rotateToken(rest, io);
  const { ORG_USAGE } = await import('./adminOrg.ts');
  throw new HardlineError('USAGE', `usage: ${INVITE_USAGE}\n       ${TOKEN_USAGE}\n       ${ORG_USAGE}`);
}

async function invite(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { server: { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' }, handle: { type: 'string' } });
  const api = new RelayApi(parseRelayUrl(requireString(values.server, '--server')), nodeTransport);
  const { code } = await api.adminInvite(adminToken(values.token, values['token-file']), values.handle);
  if (values.handle) io.out(`enrolment code for ${values.handle} (one use, expires in 7 days):`);
  io.out(code);
  return 0;
}

/**
 * `--token` shows the token to anyone who can run `ps` on the machine; `--token-file` and
 * $HARDLINE_ADMIN_TOKEN do not.
 */
export function adminToken(flag: string | undefined, file: string | undefined): string {
  if (flag !== undefined && file !== undefined) throw new HardlineError('USAGE', 'give the admin token by --token or by --token-file, not both');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new HardlineError('NOT_FOUND', `cannot read the admin token file ${file}`);
    }
    // Files written by `echo` or an editor end in a newline; the token itself has no whitespace.
    return requireString(text.trim(), `admin token in ${file} (the file is empty)`);
  }
  return requireString(flag ?? process.env.HARDLINE_ADMIN_TOKEN, '--token, --token-file or $HARDLINE_ADMIN_TOKEN');
}

/**
 * Runs against the data directory, not over HTTP: whoever lost the token can no longer
 * authenticate to the relay, but whoever can write the relay's files is its operator anyway.
 * The token goes to stdout alone (for `ADMIN_TOKEN=$(hardline admin token --rotate ...)`), and
 * nowhere else.
 */
async function rotateToken(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { rotate: { type: 'boolean' }, data: { type: 'string' } });
  if (!values.rotate || positionals.length > 0) {
    throw new HardlineError('USAGE', `the admin token cannot be shown again (only its hash is stored); replace it with: ${TOKEN_USAGE}`);
  }
  const dataDir = resolve(requireString(values.data, '--data (the relay\'s data directory)'));
  // Opening the store would create an empty relay here; a mistyped path must not.
  const { SqliteRelayStore, SQLITE_FILE_NAME } = await import('@hardline/server');
  if (!existsSync(join(dataDir, SQLITE_FILE_NAME))) throw new HardlineError('NOT_FOUND', `no relay database in ${dataDir} (expected ${SQLITE_FILE_NAME}; pass the --data directory the relay runs with)`);
  let store: InstanceType<typeof SqliteRelayStore>;
  try {
    store = new SqliteRelayStore(dataDir);
  } catch (e) {
    throw new HardlineError('DECODE', `${join(dataDir, SQLITE_FILE_NAME)} is not a readable relay database`, { cause: e });
  }
  try {
    io.out(await store.rotateAdminToken());
  } finally {
    await store.close();
  }
  io.err('admin token replaced: the old one no longer works, and a running relay accepts only the new one from its next request');
  return 0;
}
