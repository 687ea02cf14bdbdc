/**
 * @module encapsulation
 * Oblivious HTTP request and response encapsulation (RFC 9458 §4.3, §4.4) with HPKE from
 * @hpke/core. We speak one suite, the one of the RFC's example: DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-128-GCM. The response key is derived with plain HKDF (@noble/hashes) from a
 * secret exported from the HPKE context, as §4.4 specifies.
 *
 * Each function returns new values and keeps nothing: the context a sender or a gateway holds
 * between request and response is handed back to the caller.
 */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, type RecipientContext, type SenderContext } from '@hpke/core';
import { x25519 } from '@noble/curves/ed25519.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8 } from '../bytes.ts';
import { CryptoError, DecodeError, ErrorCodes, HardlineError, ValidationError } from '../errors.ts';
import { HpkeAeadIds, HpkeKdfIds, HpkeKemIds, type KeyConfig } from './keyConfig.ts';

const KEM = HpkeKemIds.DHKEM_X25519_SHA256;
const KDF = HpkeKdfIds.HKDF_SHA256;
const AEAD = HpkeAeadIds.AES_128_GCM;
const NENC = 32;
const NK = 16;
const NN = 12;
const HEADER = 7;
/** max(Nn, Nk) for AES-128-GCM. */
export const RESPONSE_NONCE_SIZE = Math.max(NN, NK);
const TAG = 16;

/**
 * An ArrayBuffer holding exactly these bytes. Not `.slice().buffer`: on a Node Buffer, slice
 * is a view into a shared pool, and `.buffer` would hand HPKE the whole pool.
 */
function exact(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

/** The gateway's key: its published config and the X25519 private key that goes with it. */
export type GatewayKey = { readonly config: KeyConfig; readonly privateKey: Uint8Array };

/** What the client keeps between sending a request and opening its response. */
export type ClientContext = { readonly enc: Uint8Array; readonly hpke: SenderContext };
/** What the gateway keeps between opening a request and sealing its response. */
export type GatewayContext = { readonly enc: Uint8Array; readonly hpke: RecipientContext };

/** A gateway key for `keyId` from a 32-byte X25519 private key; random when none is given. */
export function gatewayKey(keyId: number, privateKey: Uint8Array = randomBytes(32)): GatewayKey {
  if (privateKey.length !== 32) throw new ValidationError('an X25519 private key is 32 bytes');
  return {
    config: { keyId, kemId: KEM, publicKey: x25519.getPublicKey(privateKey), symmetric: [{ kdfId: KDF, aeadId: AEAD }] },
    privateKey,
  };
}

function header(keyId: number): Uint8Array {
  return Uint8Array.of(keyId, KEM >> 8, KEM & 0xff, KDF >> 8, KDF & 0xff, AEAD >> 8, AEAD & 0xff);
}

/** "message/bhttp request", a zero byte, then the header (§4.3 step 2). */
function requestInfo(hdr: Uint8Array): Uint8Array {
  return concatBytes(utf8.encode('message/bhttp request'), Uint8Array.of(0), hdr);
}

/** True when the config offers the one suite we use. */
export function supportsKeyConfig(config: KeyConfig): boolean {
  return config.kemId === KEM && config.symmetric.some((s) => s.kdfId === KDF && s.aeadId === AEAD);
}

/**
 * Encapsulates a binary HTTP request to the gateway's key config. `ephemeralPrivateKey` is for
 * the RFC's test vector only: a fixed ephemeral key makes the output reproducible, and reusing
 * one in earnest would link requests and break their secrecy.
 */
export async function encapsulateRequest(
  config: KeyConfig,
  request: Uint8Array,
  testing?: { ephemeralPrivateKey: Uint8Array },
): Promise<{ encapsulated: Uint8Array; context: ClientContext }> {
  if (!supportsKeyConfig(config)) throw new HardlineError(ErrorCodes.OHTTP_KEY, 'the gateway key config does not offer X25519, HKDF-SHA256 and AES-128-GCM');
  const hdr = header(config.keyId);
  const recipientPublicKey = await suite.kem.importKey('raw', exact(config.publicKey), true);
  let ekm: CryptoKeyPair | undefined;
  if (testing) {
    const sk = testing.ephemeralPrivateKey;
    ekm = {
      privateKey: await suite.kem.importKey('raw', exact(sk), false),
      publicKey: await suite.kem.importKey('raw', exact(x25519.getPublicKey(sk)), true),
    };
  }
  const hpke = await suite.createSenderContext({ recipientPublicKey, info: exact(requestInfo(hdr)), ...(ekm ? { ekm } : {}) });
  const enc = new Uint8Array(hpke.enc);
  const ct = new Uint8Array(await hpke.seal(exact(request)));
  return { encapsulated: concatBytes(hdr, enc, ct), context: { enc, hpke } };
}

/** The key id of an encapsulated request, so a gateway can pick its key (§4.3 step 1). */
export function requestKeyId(encapsulated: Uint8Array): number {
  if (encapsulated.length < HEADER + NENC + TAG) throw new DecodeError('encapsulated request is truncated');
  return encapsulated[0]!;
}

/**
 * Opens an encapsulated request with whichever of `keys` its key id names. OHTTP_KEY when the
 * key id is unknown or the suite is not ours (a client with a stale config refetches it);
 * CRYPTO when it does not authenticate.
 */
export async function decapsulateRequest(keys: readonly GatewayKey[], encapsulated: Uint8Array): Promise<{ request: Uint8Array; context: GatewayContext }> {
  const keyId = requestKeyId(encapsulated);
  const key = keys.find((k) => k.config.keyId === keyId);
  if (!key) throw new HardlineError(ErrorCodes.OHTTP_KEY, 'the request names a gateway key this relay does not hold; fetch its key config again');
  const hdr = encapsulated.subarray(0, HEADER);
  const expected = header(keyId);
  if (!hdr.every((b, i) => b === expected[i])) throw new HardlineError(ErrorCodes.OHTTP_KEY, 'the request uses an HPKE suite this gateway does not accept');
  const enc = new Uint8Array(encapsulated.subarray(HEADER, HEADER + NENC));
  let hpke: RecipientContext;
  let request: Uint8Array;
  try {
    const recipientKey = await suite.kem.importKey('raw', exact(key.privateKey), false);
    hpke = await suite.createRecipientContext({ recipientKey, enc: exact(enc), info: exact(requestInfo(expected)) });
    request = new Uint8Array(await hpke.open(exact(encapsulated.subarray(HEADER + NENC))));
  } catch (cause) {
    throw new CryptoError('the encapsulated request did not decrypt', { cause });
  }
  return { request, context: { enc, hpke } };
}

/** The response AEAD key and nonce (§4.4 steps 1 to 5). */
async function responseKey(hpke: SenderContext | RecipientContext, enc: Uint8Array, nonce: Uint8Array): Promise<{ key: Uint8Array; iv: Uint8Array }> {
  const secret = new Uint8Array(await hpke.export(exact(utf8.encode('message/bhttp response')), RESPONSE_NONCE_SIZE));
  const prk = extract(sha256, secret, concatBytes(enc, nonce));
  return { key: expand(sha256, prk, utf8.encode('key'), NK), iv: expand(sha256, prk, utf8.encode('nonce'), NN) };
}

/** `responseNonce` is for the RFC's test vector only; it is random otherwise, and must be. */
export async function encapsulateResponse(context: GatewayContext, response: Uint8Array, testing?: { responseNonce: Uint8Array }): Promise<Uint8Array> {
  const nonce = testing?.responseNonce ?? randomBytes(RESPONSE_NONCE_SIZE);
  if (nonce.length !== RESPONSE_NONCE_SIZE) throw new ValidationError(`a response nonce is ${RESPONSE_NONCE_SIZE} bytes`);
  const { key, iv } = await responseKey(context.hpke, context.enc, nonce);
  const aead = suite.aead.createEncryptionContext(exact(key));
  const ct = new Uint8Array(await aead.seal(exact(iv), exact(response), new ArrayBuffer(0)));
  return concatBytes(nonce, ct);
}

export async function decapsulateResponse(context: ClientContext, encapsulated: Uint8Array): Promise<Uint8Array> {
  if (encapsulated.length < RESPONSE_NONCE_SIZE + TAG) throw new DecodeError('encapsulated response is truncated');
  const nonce = encapsulated.subarray(0, RESPONSE_NONCE_SIZE);
  const { key, iv } = await responseKey(context.hpke, context.enc, nonce);
  const aead = suite.aead.createEncryptionContext(exact(key));
  try {
    return new Uint8Array(await aead.open(exact(iv), exact(encapsulated.subarray(RESPONSE_NONCE_SIZE)), new ArrayBuffer(0)));
  } catch (cause) {
    throw new CryptoError('the encapsulated response did not decrypt', { cause });
  }
}
