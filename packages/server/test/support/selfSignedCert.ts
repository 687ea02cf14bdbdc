/**
 * @module selfSignedCert
 * A throwaway TLS certificate for a relay on 127.0.0.1 (opensslCert.ts), in a folder removed
 * after the test file. Tests that need it run only where openssl is installed.
 */
import { opensslCert } from './opensslCert.ts';
import { tmpDir } from './tmpDir.ts';

export { haveOpenssl } from './opensslCert.ts';

/** Writes cert.pem and key.pem into `dir`; `san` names what the certificate is good for. */
export function selfSignedCert(dir = tmpDir(), san = 'IP:127.0.0.1'): { readonly cert: string; readonly key: string } {
  return opensslCert(dir, san);
}
