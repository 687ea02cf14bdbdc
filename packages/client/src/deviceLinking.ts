/**
 * @module deviceLinking
 * Both ends of the link handshake (protocol identity/linkHandshake.ts), run from each device's
 * sync, so neither has to wait for the other: the existing device answers requests for the link
 * codes it made; the new device picks up its answer (its certificate and the identity key).
 * The relay carries only sealed blobs whose keys derive from a secret it never sees.
 */
import {
  certifyDevice,
  HardlineError,
  linkKeys,
  openLinkMessage,
  sealLinkMessage,
  verifyCertificate,
  fromBase64Url,
  type DeviceId,
  type Handle,
  type DeviceCertificate,
  type IdentityKeyPair,
} from '@hardline/protocol';
import type { DeviceState } from './deviceState.ts';
import { linkedLogKey } from './logKeyPin.ts';
import { awaitingInvite, headToHandOver, ORG_EXTENSION, orgStateOf, takeLinkedHead } from './orgPolicy.ts';
import type { RelayApi, Via } from './relayApi.ts';

/** A link code's secret is good as long as the relay's part (the relay's link-code TTL). */
export const LINK_TTL_MS = 86_400_000;

/**
 * How the new device's two handshake calls (its request, reading the answer) leave. While it
 * awaits its linking device's answer (a code naming the org key: orgPolicy.ts AwaitedEntry), every
 * anonymous action is held until its chain reaches the head that answer carries, so through the
 * held route (or the page's held hop) the answer could never come: they go straight to the relay,
 * on connections of their own. They tell the relay nothing it lacks: this device spent that link
 * code from this address, and the blob is that link's. Otherwise they take the device's route.
 */
export function handshakeVia(state: Pick<DeviceState, 'extensions'>): Via {
  return awaitingInvite(orgStateOf(state.extensions?.[ORG_EXTENSION])) ? 'unlinked' : 'ingress';
}

/** New device: asks, under the secret, to be certified. */
export async function requestCertificate(api: RelayApi, secret: string, device: { handle: Handle; deviceId: DeviceId; deviceKey: string }, via: Via): Promise<void> {
  const keys = linkKeys(secret);
  await api.putBlob(keys.blobId, keys.capability, 0, await sealLinkMessage(keys, { t: 'link-request', ...device }), via);
}

/**
 * Existing device: for each pending link code, opens the new device's request, checks that the
 * directory lists that device with that key under this user, certifies it, publishes the
 * certificate and answers with it and the identity key. Returns whether anything changed, and
 * the devices it certified.
 */
export async function answerLinkRequests(state: DeviceState, api: RelayApi, now: number): Promise<{ changed: boolean; certified: DeviceId[] }> {
  const pending = state.pendingLinks ?? [];
  const certified: DeviceId[] = [];
  if (pending.length === 0 || !state.identity) return { changed: false, certified };
  // A device still waiting for its own awaited entry has no head the new one could trust: the
  // link waits (pending, and the new device held) until this device's chain has reached it.
  const org = orgStateOf(state.extensions?.[ORG_EXTENSION]);
  if (awaitingInvite(org)) return { changed: false, certified };
  const keep: typeof pending = [];
  for (const link of pending) {
    if (now - Date.parse(link.createdAt) > LINK_TTL_MS) continue;
    const keys = linkKeys(link.secret);
    const blob = await api.getBlob(keys.blobId, keys.capability);
    if (!blob) {
      keep.push(link);
      continue;
    }
    const req = await openLinkMessage(keys, blob.data).catch(() => undefined);
    // Anything but a sound request under this secret ends this link code.
    if (req?.t !== 'link-request' || req.handle !== state.handle) continue;
    const own = state.directory.find((u) => u.handle === state.handle);
    const listed = own?.devices.find((d) => d.deviceId === req.deviceId && !d.revoked);
    if (!listed || listed.signaturePublicKey !== req.deviceKey) {
      keep.push(link);
      continue;
    }
    const certificate = certifyDevice(state.identity, { handle: state.handle, deviceId: req.deviceId as DeviceId, deviceKey: req.deviceKey });
    // The answer is waiting before anyone can trust the new device (and send it a Welcome).
    // With the log key this device pinned: a relay naming the new one another is caught there.
    const logKey = state.transparency?.logKey;
    // And the head of the org chain this device verified: the new one waits until its own chain
    // reaches it before it trusts the chain's hop, so a relay cannot serve it a chain cut short.
    const orgHead = headToHandOver(org);
    // And whether this device took the org key from the chain (the relay may have installed it):
    // the link code names that key as an invite names the team's, and the new device must not
    // trust it more than this one does (orgPolicy.ts keyFromChain).
    const orgKeyFromChain = org.keyFromChain === true;
    await api.putBlob(
      keys.blobId,
      keys.capability,
      blob.version,
      await sealLinkMessage(keys, { t: 'link-response', certificate, identity: state.identity, ...(logKey ? { logKey } : {}), ...(orgHead ? { orgHead } : {}), ...(orgKeyFromChain ? { orgKeyFromChain } : {}) }),
    );
    await api.putCertificate(req.deviceId as DeviceId, certificate);
    certified.push(req.deviceId as DeviceId);
  }
  const changed = keep.length !== pending.length;
  state.pendingLinks = keep;
  return { changed, certified };
}

/**
 * New device: takes its answer when it has come. The certificate must be for this very device
 * and key, signed by the identity key that came with it.
 */
export async function collectLinkAnswer(state: DeviceState, api: RelayApi): Promise<{ identity: IdentityKeyPair; certificate: DeviceCertificate } | undefined> {
  if (!state.linkWait) return undefined;
  const keys = linkKeys(state.linkWait.secret);
  const blob = await api.getBlob(keys.blobId, keys.capability, handshakeVia(state));
  if (!blob) return undefined;
  const msg = await openLinkMessage(keys, blob.data).catch(() => undefined);
  if (msg?.t !== 'link-response') return undefined;
  const ok = verifyCertificate(msg.certificate, { identityKey: msg.identity.publicKey, handle: state.handle, deviceId: state.deviceId, deviceKey: fromBase64Url(state.signPub) });
  if (!ok) throw new HardlineError('CRYPTO', 'the other device sent a certificate for another device');
  // Before the link completes: a relay that named this device another log key than the one the
  // other device pinned keeps it from ever becoming a trusted device of this person.
  state.transparency = { ...state.transparency, ...linkedLogKey(state.transparency?.logKey, msg.logKey) };
  // The sealed head replaces "awaiting the answer", and the key is trusted as the linking device
  // trusts it: the relay could have changed neither.
  state.extensions = { ...state.extensions, [ORG_EXTENSION]: takeLinkedHead(orgStateOf(state.extensions?.[ORG_EXTENSION]), msg.orgHead, msg.orgKeyFromChain === true) };
  delete state.linkWait;
  return { identity: msg.identity, certificate: msg.certificate };
}
