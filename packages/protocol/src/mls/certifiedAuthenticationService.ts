/**
 * @module mls/certifiedAuthenticationService
 * ts-mls's default AuthenticationService accepts every credential. This one accepts a leaf only
 * if the certificate in its credential (deviceCredential.ts) is signed by the identity key this
 * client pinned for the handle it names, and binds exactly that device id and the leaf's
 * signature key. The relay's directory is not consulted: a relay that lists a device of its own
 * under someone's name, or hands out a KeyPackage it made, cannot produce that signature.
 * A leaf without a certificate is refused.
 */
import type { AuthenticationService, Credential } from 'ts-mls';
import type { Handle } from '../brand.ts';
import { verifyCertificate } from '../identity/deviceCertificate.ts';
import { parseCertifiedCredential } from './deviceCredential.ts';

/** The identity key (base64url) this client trusts for a person, if any (client trustRules.ts). */
export type PinnedKey = (handle: Handle) => string | undefined;

export function certifiedAuthenticationService(pinnedKey: PinnedKey): AuthenticationService {
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      let parsed;
      try {
        parsed = parseCertifiedCredential(credential);
      } catch {
        return false;
      }
      const { id, certificate } = parsed;
      const pinned = pinnedKey(id.handle);
      if (!certificate || !pinned) return false;
      // A revoked device was still certified when it was added, so commits that added it stay
      // valid for members catching up; revocation is enforced by removing it (every member
      // reconciles before sending) and by the relay refusing its connections.
      return verifyCertificate(certificate, { identityKey: pinned, handle: id.handle, deviceId: id.deviceId, deviceKey: signaturePublicKey });
    },
  };
}
