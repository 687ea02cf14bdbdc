/**
 * @module turnTls-versions.test
 * The observer of the link to TURN, against the TLS that coturn offers (issue 12). coturn takes
 * TLS 1.0 and 1.1 unless told not to, wherever its OpenSSL still allows them (OpenSSL 1.1, or 3
 * at security level 0): a middlebox that strips the newer versions from a device's hello would
 * then read the call's signalling under a deprecated protocol (RFC 8996). The OpenSSL on this
 * machine refuses them on its own, so the test reads what coturn is told, through a stand-in
 * binary that records its command line.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startCoturn } from '../src/index.ts';
import { tmpDir } from './support/tmpDir.ts';

it('starts coturn on TLS 1.2 and up only, with no plain or DTLS listener', async () => {
  const dir = tmpDir();
  const binary = join(dir, 'turnserver');
  writeFileSync(binary, `#!/bin/sh\nprintf '%s\\n' "$@" > '${join(dir, 'args')}'\nexec sleep 30\n`);
  chmodSync(binary, 0o755);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(cert, '');
  writeFileSync(key, '');
  const coturn = await startCoturn(binary, { port: 3640, tls: { cert, key, port: 5641 } });
  try {
    const args = readFileSync(join(dir, 'args'), 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining(['--no-tlsv1', '--no-tlsv1_1', '--no-udp', '--no-tcp', '--no-dtls']));
    expect(args).not.toContain('--no-tls');
    expect(args.some((a) => a.startsWith('--alt-'))).toBe(false);
  } finally {
    await coturn.stop();
  }
});
