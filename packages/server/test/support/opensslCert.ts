/**
 * @module opensslCert
 * A throwaway TLS certificate made with the system's openssl: a P-256 key, valid one day. No
 * vitest in here, so benchmarks can use it too (selfSignedCert.ts adds a folder removed after
 * the test file).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes cert.pem and key.pem into `dir`; `san` names what the certificate is good for. */
export function opensslCert(dir: string, san = 'IP:127.0.0.1'): { readonly cert: string; readonly key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`], {
    stdio: 'ignore',
  });
  return { cert, key };
}
