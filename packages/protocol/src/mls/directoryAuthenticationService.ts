/**
 * @module mls/directoryAuthenticationService
 * ts-mls's default AuthenticationService accepts every credential. This one accepts a member
 * only if the organisation directory lists that device, under that handle, with that exact
 * signature key. Without it, anyone able to inject a leaf (a
 * malicious relay handing out a forged KeyPackage) would become a silent member.
 */
import type { AuthenticationService, Credential } from 'ts-mls';
import { bytesEqual } from '../bytes.ts';
import type { DeviceId, Handle } from '../brand.ts';
import { parseDeviceCredential } from './deviceCredential.ts';

export type DirectoryDevice = {
  readonly deviceId: DeviceId;
  readonly handle: Handle;
  readonly signaturePublicKey: Uint8Array;
  readonly revoked: boolean;
};

export type DeviceLookup = (deviceId: DeviceId) => DirectoryDevice | undefined;

export function directoryAuthenticationService(lookup: DeviceLookup): AuthenticationService {
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      let id;
      try {
        id = parseDeviceCredential(credential);
      } catch {
        return false;
      }
      const entry = lookup(id.deviceId);
      // A revoked device was still enrolled when it was added, so commits that added it stay
      // valid for members catching up; revocation is enforced by removing it (every member
      // reconciles before sending) and by the relay refusing its connections.
      if (!entry || entry.handle !== id.handle) return false;
      return bytesEqual(entry.signaturePublicKey, signaturePublicKey);
    },
  };
}
