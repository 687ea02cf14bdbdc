/**
 * @module main
 * The `hardline` command: a thin layer over @hardline/client and @hardline/server, one file
 * per command group.
 */
import { HardlineError } from '@hardline/protocol';
import { resolveHome } from './home.ts';
import { errorLine, exitCodeFor, processIo, type Io } from './output.ts';

const HELP = `usage: hardline [--home DIR] COMMAND
  server [--host 127.0.0.1] [--port 8080] [--data DIR] [--tls-cert F --tls-key F] [--suite NAME] [--web-root DIR] [--limits FILE] [--ingress-url HOP_URL]
  ingress --target URL [--host 127.0.0.1] [--port 8090] [--max-body BYTES] [--per-minute N] [--tls-cert F --tls-key F] [--allow-origin ORIGIN]...
  admin invite --server URL [--token TOKEN | --token-file F] [--handle HANDLE]   (or $HARDLINE_ADMIN_TOKEN)
  admin token --rotate --data DIR
  admin key create --out FILE | admin key install --server URL --org-key FILE
  admin invite|revoke|policy set ... --org-key FILE   (signed by the org key; see \`hardline admin\`)
  admin audit --jsonl | admin devices [--json] | admin briefing [--json] [--html F]   (--server URL, admin token)
  register --server URL --code CODE --handle HANDLE [--name "Display Name"] [--device-name NAME] [--ingress HOP_URL]   (or $HARDLINE_INGRESS)
  contacts add HANDLE [--name NAME] | contacts list [--json] | contacts export
  send TO "text" [--now]   (--now skips the send scheduler's delay: weaker, see docs/protocol.md §7)
  settings   (this device's settings and the org policy in force)
  settings privacy [off|balanced|strict]   (this device's send scheduler; the org policy may raise it)
  read [--wait SECONDS] [--json]
  group create NAME --members h1,h2 | group add NAME HANDLE | group remove NAME HANDLE
  group rename NAME NEW_NAME | group leave NAME
  device link | device join CODE --server URL [--device-name NAME] | device list [--json] | device revoke DEVICE_ID | device name NAME
  verify HANDLE [--number "DIGITS" | --accept-new-key] [--json]
  exposure report FILE... [--names contacts.vcf] [--out report.html] [--json]`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let args = [...argv];
  let homeFlag: string | undefined;
  while (args[0]?.startsWith('--home')) {
    const a = args.shift()!;
    homeFlag = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args.shift();
    if (!homeFlag) return fail(io, new HardlineError('USAGE', '--home needs a directory'));
  }
  const [command, ...rest] = args;
  const home = resolveHome(homeFlag);
  try {
    switch (command) {
      // Each command loads only its own module: a `send` should not pay for the relay's code.
      case 'server':
        return await (await import('./commands/server.ts')).serverCommand(rest, io);
      case 'ingress':
        return await (await import('./commands/ingress.ts')).ingressCommand(rest, io);
      case 'admin':
        return await (await import('./commands/admin.ts')).adminCommand(rest, io);
      case 'register':
        return await (await import('./commands/register.ts')).registerCommand(rest, io, home);
      case 'contacts':
        return await (await import('./commands/contacts.ts')).contactsCommand(rest, io, home);
      case 'send':
        return await (await import('./commands/messages.ts')).sendCommand(rest, io, home);
      case 'settings':
        return await (await import('./commands/settings.ts')).settingsCommand(rest, io, home);
      case 'read':
        return await (await import('./commands/messages.ts')).readCommand(rest, io, home);
      case 'group':
        return await (await import('./commands/group.ts')).groupCommand(rest, io, home);
      case 'device':
        return await (await import('./commands/device.ts')).deviceCommand(rest, io, home);
      case 'verify':
        return await (await import('./commands/verify.ts')).verifyCommand(rest, io, home);
      case 'exposure': {
        const { runExposureCommand } = await import('@hardline/exposure');
        return await runExposureCommand(rest, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY });
      }
      case undefined:
      case 'help':
      case '--help':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        return fail(io, new HardlineError('USAGE', `unknown command "${command}"\n${HELP}`));
    }
  } catch (e) {
    return fail(io, e);
  }
}

function fail(io: Io, e: unknown): number {
  io.err(errorLine(e));
  return exitCodeFor(e);
}
