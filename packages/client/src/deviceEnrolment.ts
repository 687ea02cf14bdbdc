/**
 * @module deviceEnrolment
 * A new device's first contact with the relay: the handle checked, the org's ciphersuite read,
 * the org key and the log key pinned against the fingerprints an invite carries, the device's
 * signature key made, the code spent, and the first device state saved. An invite makes the
 * person's identity key here and certifies the device with it; a link code leaves the device
 * waiting for its certificate from the linking device. HardlineClient.register attaches to the
 * state this returns and finishes (certificate, KeyPackages).
 */
import { certifyDevice, HardlineError, loadSuite, newIdentityKey, parseSuite, splitInviteCode, splitLinkCode, toBase64Url, type DeviceCertificate, type DeviceId, type Handle } from '@hardline/protocol';
import type { CryptoProvider } from 'ts-mls';
import type { DeviceState, StateStore } from './deviceState.ts';
import { KeyTransparency } from './keyTransparency.ts';
import { inviteCodeHash, ORG_EXTENSION, pinOrgKey } from './orgPolicy.ts';
import { RelayApi } from './relayApi.ts';
import { parseRelayUrl } from './relayUrl.ts';
import type { Transport } from './transport.ts';

const HANDLE_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export type EnrolmentArgs = { server: string; code: string; handle: string; displayName?: string; ingress?: string };

export type Enrolment = {
  readonly state: DeviceState;
  readonly device: { handle: Handle; deviceId: DeviceId; deviceKey: string };
  /** With an invite: the device's certificate under the new identity key, for the relay. */
  readonly certificate?: DeviceCertificate;
  /** With a link code: the secret shared with the linking device only. */
  readonly linkSecret?: string;
};

export async function enrolDevice(opts: { store: StateStore; transport: Transport; cryptoProvider?: CryptoProvider }, args: EnrolmentArgs): Promise<Enrolment> {
  if (await opts.store.load().catch(() => undefined)) throw new HardlineError('USAGE', 'this home already holds a registered device');
  const handle = args.handle.toLowerCase();
  if (!HANDLE_RE.test(handle)) throw new HardlineError('VALIDATION', `invalid handle "${args.handle}": use 2-32 of a-z 0-9 . _ -`);
  const base = parseRelayUrl(args.server);
  const anon = new RelayApi(base, opts.transport);
  const org: { ciphersuite: string; logKey?: unknown; orgKey?: unknown } = await anon.org();
  const suite = parseSuite(org.ciphersuite);
  const impl = await loadSuite(suite, opts.cryptoProvider);
  const keys = await impl.signature.keygen();
  const sign = (m: Uint8Array) => impl.signature.sign(keys.signKey, m);
  // A link code made by a device carries a secret after a dot, which the relay never sees.
  // An invite may carry the org key's fingerprint after "~" (orgPolicy.ts), and the log key's
  // after a second (logKeyPin.ts): checked before the code is spent, never sent to the relay.
  const invite = splitInviteCode(args.code);
  const { relayCode, secret } = splitLinkCode(invite.code);
  // An invite's own order is awaited in the verified chain (orgPolicy.ts AwaitedEntry); a linked
  // device awaits the head its linking device will hand over in the sealed answer (deviceLinking.ts).
  const orgPin = pinOrgKey(org.orgKey, invite.orgFingerprint, secret ? { linkAnswer: true } : { invite: await inviteCodeHash(relayCode) });
  const logKey = KeyTransparency.pinLogKey(org.logKey, invite.logFingerprint);
  // An invite makes the person's identity key here; a linked device receives it instead.
  const identity = secret ? undefined : newIdentityKey();
  const res = await anon.enrol({ code: relayCode, handle, displayName: args.displayName ?? handle, signaturePublicKey: keys.publicKey, sign, ...(identity ? { identityKey: identity.publicKey } : {}) });
  const device = { handle: res.handle, deviceId: res.deviceId, deviceKey: toBase64Url(keys.publicKey) };
  const certificate = identity && certifyDevice(identity, device);
  const state: DeviceState = {
    v: 1,
    server: base.toString(),
    ...(args.ingress ? { ingress: parseRelayUrl(args.ingress).toString() } : {}),
    suite,
    userId: res.userId,
    deviceId: res.deviceId,
    handle: res.handle,
    displayName: args.displayName ?? handle,
    signKey: toBase64Url(keys.signKey),
    signPub: toBase64Url(keys.publicKey),
    keyPackages: {},
    conversations: {},
    directory: [],
    outbox: [],
    seen: [],
    revoked: false,
    ...(identity && certificate ? { identity, certificate } : {}),
    ...(secret ? { linkWait: { secret } } : {}),
    extensions: { [ORG_EXTENSION]: orgPin },
    // First contact: the log key is pinned here, and every tree head must be signed by it.
    ...(logKey ? { transparency: { logKey } } : {}),
  };
  await opts.store.save(state);
  return { state, device, ...(certificate ? { certificate } : {}), ...(secret ? { linkSecret: secret } : {}) };
}
