/**
 * @module commands/orgKeyFile
 * The org security key on disk: JSON, mode 0600, never overwritten. The relay never sees the
 * secret half; every signed admin command reads it with --org-key FILE.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { HardlineError, newOrgKey, orgKeyFingerprint, parseOrgKeyPair, type OrgKeyPair } from '@hardline/protocol';

export function createOrgKeyFile(path: string, name: string): OrgKeyPair {
  const key = newOrgKey();
  const file = { kind: 'hardline-org-key', v: 1, name, createdAt: new Date().toISOString(), publicKey: key.publicKey, secretKey: key.secretKey };
  try {
    // 'wx': an existing key file is the org's identity; losing it to a typo would be final.
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HardlineError(code === 'EEXIST' ? 'CONFLICT' : 'UNAVAILABLE', code === 'EEXIST' ? `${path} already exists; an org key is never overwritten` : `cannot write ${path}`, { cause: e });
  }
  return key;
}

export function readOrgKeyFile(path: string): OrgKeyPair & { name: string } {
  let parsed: { name?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new HardlineError('NOT_FOUND', `cannot read the org key file ${path}`, { cause: e });
  }
  try {
    return { ...parseOrgKeyPair(parsed), name: typeof parsed.name === 'string' ? parsed.name.slice(0, 64) : '' };
  } catch (e) {
    throw new HardlineError('DECODE', `${path} is not an org key file`, { cause: e });
  }
}

export function backupNote(path: string, publicKey: string): string {
  return [
    `org key written to ${path} (mode 0600); fingerprint ${orgKeyFingerprint(publicKey)}`,
    'Back it up now, offline: print the file or copy it to two encrypted USB keys kept apart, in a safe.',
    'It signs every invite, revocation and policy. If it is lost, no new order can be signed: make a new',
    'key, install it on a fresh relay database, and re-enrol every device. If it leaks, do the same at once.',
    'Next: hardline admin key install --server URL --org-key FILE (with the relay\'s admin token, once).',
  ].join('\n');
}
