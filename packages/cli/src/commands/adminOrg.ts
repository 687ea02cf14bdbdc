/**
 * @module commands/adminOrg
 * The security team's signed commands: `hardline admin key create|install`, `admin invite
 * --org-key`, `admin revoke`, `admin policy set`, and the reads `admin audit|devices|briefing`.
 * Every order is signed here, with the org key file; the relay only stores it. Reads use the
 * relay's admin token, since they show only what the relay holds anyway; `admin audit` checks
 * the chain it reads against the org key, so a relay that edits its history is caught.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { nodeTransport } from '@hardline/client/node';
import { parseRelayUrl, RelayApi } from '@hardline/client';
import { checkChain, HardlineError, isLogPublicKey, joinInviteCode, orderHash, parseOrder, parsePolicy, signOrder, type DeviceId, type Handle, type OrderBody, type OrderKind, type OrgKeyPair, type SignedOrder } from '@hardline/protocol';
import { parse, requireString } from '../args.ts';
import type { Io } from '../output.ts';
import { adminToken } from './admin.ts';
import { briefingHtml, briefingText } from './briefingReport.ts';
import { backupNote, createOrgKeyFile, readOrgKeyFile } from './orgKeyFile.ts';

export const ORG_USAGE = [
  'hardline admin key create --out FILE [--name ORG]',
  'hardline admin key install --server URL --org-key FILE [--token-file F]',
  'hardline admin invite --server URL --org-key FILE [--handle H [--reenrol]]',
  'hardline admin revoke DEVICE_ID --handle H --server URL --org-key FILE [--wipe]',
  'hardline admin policy set FILE.json --server URL --org-key FILE',
  'hardline admin approve-link --handle H --server URL --org-key FILE   (one link code, within a day)',
  'hardline admin audit --jsonl --server URL [--token-file F] [--org-key FILE]',
  'hardline admin devices --server URL [--token-file F] [--json]',
  'hardline admin briefing --server URL [--token-file F] [--json] [--html OUT.html] [--not-seen-days N]',
].join('\n       ');

const INVITE_TTL_MS = 7 * 86_400_000;
const APPROVAL_TTL_MS = 86_400_000;
const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const common = { server: { type: 'string' }, 'org-key': { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' } } as const;
const apiOf = (server: unknown) => new RelayApi(parseRelayUrl(requireString(server, '--server')), nodeTransport);

/** Same shape as the relay's own codes (server enrolment/enrolmentCode.ts), made here so the relay never picks it. */
function newCode(): { code: string; hash: string } {
  const bytes = randomBytes(20);
  let code = '';
  for (let i = 0; i < 20; i++) code += CODE_ALPHABET[bytes[i]! & 31] + (i % 5 === 4 && i < 19 ? '-' : '');
  return { code, hash: createHash('sha256').update(code.replace(/-/g, '')).digest('hex') };
}

async function signAndPost<K extends OrderKind>(api: RelayApi, key: OrgKeyPair, kind: K, body: OrderBody[K]): Promise<SignedOrder<K>> {
  const head = await api.request<{ seq: number; hash: string }>('GET', '/v1/org/head');
  const order = signOrder(key, kind, body, { seq: head.seq + 1, prev: head.hash });
  await api.request('POST', '/v1/org/orders', { order });
  return order;
}

export async function adminOrgCommand(sub: string, argv: string[], io: Io): Promise<number> {
  if (sub === 'key') {
    const [action, ...rest] = argv;
    const { values } = parse(rest, { ...common, out: { type: 'string' }, name: { type: 'string' } });
    if (action === 'create') {
      const out = requireString(values.out, '--out FILE');
      const key = createOrgKeyFile(out, values.name ?? '');
      io.out(backupNote(out, key.publicKey));
      return 0;
    }
    if (action === 'install') {
      const key = readOrgKeyFile(requireString(values['org-key'], '--org-key FILE'));
      const order = signOrder(key, 'org-key', { name: key.name }, { seq: 1, prev: '0'.repeat(64) });
      await apiOf(values.server).request('POST', '/v1/org/key', { order }, { bearer: adminToken(values.token, values['token-file']) });
      io.out('org key installed: from now on invites, revocations and policy are signed with it, and the admin token no longer signs them');
      return 0;
    }
  }
  if (sub === 'invite') {
    const { values } = parse(argv, { ...common, handle: { type: 'string' }, reenrol: { type: 'boolean', default: false } });
    const key = readOrgKeyFile(requireString(values['org-key'], '--org-key FILE'));
    const { code, hash } = newCode();
    const expiresAt = new Date(Date.now() + INVITE_TTL_MS).toISOString();
    const handle = values.handle?.toLowerCase() as Handle | undefined;
    if (values.reenrol && !handle) throw new HardlineError('USAGE', '--reenrol needs --handle');
    if (values.reenrol) await signAndPost(apiOf(values.server), key, 're-enrolment', { codeHash: hash, handle: handle!, expiresAt });
    else await signAndPost(apiOf(values.server), key, 'invite', { codeHash: hash, ...(handle ? { handle } : {}), expiresAt });
    // The log key this console is shown goes into the invite, so a relay that names another one
    // to the new device alone (a separate log from the first contact) is caught at enrolment.
    const { logKey } = await apiOf(values.server).request<{ logKey?: unknown }>('GET', '/v1/org');
    if (handle) io.out(`enrolment code for ${handle} (one use, expires in 7 days; it names your org key and the relay's log key, so the device checks the relay's):`);
    io.out(joinInviteCode(code, key.publicKey, isLogPublicKey(logKey) ? logKey : undefined));
    return 0;
  }
  if (sub === 'revoke') {
    const { values, positionals } = parse(argv, { ...common, handle: { type: 'string' }, wipe: { type: 'boolean', default: false } });
    const deviceId = positionals[0];
    if (!deviceId || !/^[0-9a-f]{32}$/.test(deviceId)) throw new HardlineError('USAGE', `usage: ${ORG_USAGE}`);
    const key = readOrgKeyFile(requireString(values['org-key'], '--org-key FILE'));
    const order = await signAndPost(apiOf(values.server), key, 'revocation', { handle: requireString(values.handle, '--handle') as Handle, deviceId: deviceId as DeviceId, wipe: values.wipe === true });
    io.out(`revoked ${deviceId} (order ${order.seq}); every device that checks the org key drops it`);
    return 0;
  }
  if (sub === 'approve-link') {
    const { values } = parse(argv, { ...common, handle: { type: 'string' } });
    const key = readOrgKeyFile(requireString(values['org-key'], '--org-key FILE'));
    const handle = requireString(values.handle, '--handle').toLowerCase() as Handle;
    const order = await signAndPost(apiOf(values.server), key, 'link-approval', { handle, expiresAt: new Date(Date.now() + APPROVAL_TTL_MS).toISOString() });
    io.out(`${handle} may now make one link code (order ${order.seq}; the approval lapses in a day)`);
    return 0;
  }
  if (sub === 'policy') {
    const [action, file, ...rest] = argv;
    if (action !== 'set' || !file) throw new HardlineError('USAGE', `usage: ${ORG_USAGE}`);
    const { values } = parse(rest, common);
    const key = readOrgKeyFile(requireString(values['org-key'], '--org-key FILE'));
    const api = apiOf(values.server);
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new HardlineError('DECODE', `cannot read ${file} as JSON`, { cause: e });
    }
    const current = (await api.request<{ policyVersion: number }>('GET', '/v1/org/head')).policyVersion;
    const policy = parsePolicy({ ...raw, version: raw.version ?? current + 1 });
    const order = await signAndPost(api, key, 'policy', policy);
    io.out(`policy version ${policy.version} signed and published (order ${order.seq}); devices apply it on their next sync`);
    if (typeof policy.ingress === 'string') {
      // The web page may reach only the hop the relay's CSP names (`--ingress-url`): a signed hop
      // it does not name makes every web device fail closed (nothing sent) until the two agree.
      const announced = (await api.request<{ ingress: string | null }>('GET', '/v1/org')).ingress;
      if (announced === null || new URL(announced).origin !== new URL(policy.ingress).origin) {
        io.err(`warning: the relay announces ${announced ?? 'no ingress hop'}; restart it with --ingress-url ${policy.ingress} or the web app cannot reach the signed hop`);
      }
    }
    return 0;
  }
  if (sub === 'audit') return audit(argv, io);
  if (sub === 'devices' || sub === 'briefing') {
    const { values } = parse(argv, { ...common, json: { type: 'boolean', default: false }, html: { type: 'string' }, 'not-seen-days': { type: 'string' } });
    const api = apiOf(values.server);
    const bearer = { bearer: adminToken(values.token, values['token-file']) };
    if (sub === 'devices') {
      const { devices } = await api.request<{ devices: AdminDeviceRow[] }>('GET', '/v1/admin/org/devices', undefined, bearer);
      for (const d of devices) io.out(values.json ? JSON.stringify(d) : deviceLine(d));
      return 0;
    }
    const days = values['not-seen-days'] ?? '7';
    if (!/^\d{1,3}$/.test(days)) throw new HardlineError('USAGE', '--not-seen-days must be a whole number of days');
    const b = await api.request<Record<string, unknown>>('GET', `/v1/admin/briefing/${days}`, undefined, bearer);
    if (values.html) writeFileSync(values.html, briefingHtml(b as never));
    io.out(values.json ? JSON.stringify(b) : briefingText(b as never));
    return 0;
  }
  throw new HardlineError('USAGE', `usage: ${ORG_USAGE}`);
}

type AdminDeviceRow = {
  deviceId: string; handle: string; name: string | null; platform: string | null; revoked: boolean;
  enrolledOn: string | null; lastSeenOn: string | null; policyVersion: number; oldPolicy: boolean;
};

/** One device a line; the name in quotes, since the user chose it and it may hold spaces. */
function deviceLine(d: AdminDeviceRow): string {
  const label = d.name === null ? '(unnamed)' : `"${d.name}"${d.platform && d.platform !== d.name ? ` (${d.platform})` : ''}`;
  return `${d.deviceId}  ${d.handle}  ${label}  enrolled ${d.enrolledOn ?? '?'}  seen ${d.lastSeenOn ?? '?'}  policy v${d.policyVersion}${d.oldPolicy ? '  OLD POLICY' : ''}${d.revoked ? '  revoked' : ''}`;
}

/**
 * Prints every order as a JSON line with its hash, checked as one chain. Against the org key
 * (from --org-key, else the key the chain's first order names), any removed or altered entry
 * stops the listing there and fails the command (exit 7).
 */
async function audit(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { ...common, jsonl: { type: 'boolean', default: false } });
  if (!values.jsonl) throw new HardlineError('USAGE', 'hardline admin audit --jsonl (JSON Lines is the only export format)');
  const api = apiOf(values.server);
  const bearer = { bearer: adminToken(values.token, values['token-file']) };
  const orders: SignedOrder[] = [];
  for (;;) {
    const page = await api.request<{ orders: unknown[] }>('GET', `/v1/admin/org/orders/after/${orders.length}`, undefined, bearer);
    if (page.orders.length === 0) break;
    orders.push(...page.orders.map(parseOrder));
  }
  const key = values['org-key'] ? readOrgKeyFile(values['org-key']).publicKey : orders[0]?.orgKey;
  if (!key) return 0;
  const check = checkChain(orders, key);
  for (const o of check.valid) io.out(JSON.stringify({ seq: o.seq, kind: o.kind, issuedAt: o.issuedAt, hash: orderHash(o), prev: o.prev, body: o.body, orgKey: o.orgKey, signature: o.signature }));
  if (check.broken) throw new HardlineError('CRYPTO', `the audit chain is broken at order ${check.broken.seq} (${check.broken.reason}): the relay's copy was altered or an entry removed`);
  return 0;
}
