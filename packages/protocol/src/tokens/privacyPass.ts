/**
 * @module privacyPass
 * Anonymous tokens (RFC 9578 privately verifiable, type 0x0001: VOPRF over P-384) that pay for
 * the relay's anonymous actions: claiming a KeyPackage (which makes a mailbox) and creating a
 * blob. A device fetches them in batches over its authenticated session
 * (draft-ietf-privacypass-batched-tokens) and spends them with no session, so the relay learns
 * "some enrolled device paid" and nothing more: the VOPRF blinds each token at issuance, and the
 * challenge carries no redemption context, so a token cannot be tied to the batch it came from.
 * All cryptography is @cloudflare/privacypass-ts; this file only fixes the parameters and the
 * wire shape (base64url of the RFC's encodings).
 */
import './voprfProvider.ts';
import { genericBatched, privateVerif, Token, TOKEN_TYPES, TokenChallenge } from '@cloudflare/privacypass-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';
import { fromBase64Url, toBase64Url } from '../bytes.ts';
import { DecodeError, HardlineError, TooLargeError } from '../errors.ts';

/** The issuer name in every challenge; fixed, so tokens survive a change of the relay's host name. */
export const TOKEN_ISSUER = 'hardline-relay';
/** Most tokens one request may ask for; a batch of 64 is ~3.4 KB up and ~9.5 KB down. */
export const MAX_TOKEN_BATCH = 64;
/** An encoded token (2 + 32 + 32 + 32 + 48 bytes) as base64url, with slack. */
const MAX_TOKEN_CHARS = 256;

// No redemption context: tokens are fetched ahead of need and spent later, so they must not be
// bound to a challenge the relay issued at spending time (RFC 9577 §2.1.1, "empty" context).
// voprfProvider.ts only works if it ran before privacypass-ts built its group; if some other
// import loaded privacypass-ts first, groups from two providers would meet and fail obscurely
// ("ProjectivePoint expected") at the first token. Fail at load instead, saying why.
if (!(privateVerif.VOPRF.group instanceof (CryptoNoble.Group as unknown as new (...args: never[]) => unknown))) {
  throw new Error('privacypass-ts was loaded before @hardline/protocol set its VOPRF provider; import @hardline/protocol first');
}

const challenge = new TokenChallenge(TOKEN_TYPES.VOPRF.value, TOKEN_ISSUER, new Uint8Array(0));

export type TokenKeyPair = { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array };

export function generateTokenKey(): Promise<TokenKeyPair> {
  return privateVerif.keyGen();
}

/** Client: blinded requests for `count` tokens, and how to finish them from the relay's answer. */
export async function requestTokens(issuerPublicKey: Uint8Array, count: number): Promise<{ request: string; finish(response: string): Promise<string[]> }> {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_TOKEN_BATCH) throw new HardlineError('USAGE', `ask for 1 to ${MAX_TOKEN_BATCH} tokens at a time`);
  const clients = Array.from({ length: count }, () => new privateVerif.Client());
  const requests = await Promise.all(clients.map((c) => c.createTokenRequest(challenge, issuerPublicKey)));
  const batch = new genericBatched.BatchedTokenRequest(requests.map((r) => new genericBatched.TokenRequest(r)));
  return {
    request: toBase64Url(batch.serialize()),
    async finish(response) {
      let parsed: genericBatched.GenericBatchTokenResponse;
      try {
        parsed = genericBatched.GenericBatchTokenResponse.deserialize(fromBase64Url(response, 64 * 1024));
      } catch (cause) {
        throw new DecodeError('the relay sent an unreadable token response', { cause });
      }
      const answers = [...parsed];
      if (answers.length !== count) throw new DecodeError(`the relay answered ${answers.length} of ${count} token requests`);
      const tokens: string[] = [];
      for (const [i, answer] of answers.entries()) {
        // finalize() checks the DLEQ proof: a relay that evaluated under another key (to tag this
        // batch) fails here instead of handing out tokens that would name their holder.
        if (!(answer.tokenResponse instanceof privateVerif.TokenResponse)) throw new DecodeError('the relay refused a token request');
        tokens.push(toBase64Url((await clients[i]!.finalize(answer.tokenResponse)).serialize()));
      }
      return tokens;
    },
  };
}

/**
 * Relay: evaluates a batch of blinded requests under the current key. `admit(count)` runs once
 * the batch is parsed and before any evaluation (the expensive part), so a caller over its
 * budget is refused for the price of decoding; it may throw.
 */
export async function issueTokens(key: TokenKeyPair, request: string, admit: (count: number) => void = () => {}): Promise<{ response: string; count: number }> {
  let batch: genericBatched.BatchedTokenRequest;
  try {
    batch = genericBatched.BatchedTokenRequest.deserialize(fromBase64Url(request, 16 * 1024));
  } catch (cause) {
    throw new DecodeError('token request is not a batched Privacy Pass request', { cause });
  }
  const count = batch.tokenRequests.length;
  if (count === 0) throw new DecodeError('token request is empty');
  if (count > MAX_TOKEN_BATCH) throw new TooLargeError('token batch', count, MAX_TOKEN_BATCH);
  for (const r of batch) if (r.tokenType !== TOKEN_TYPES.VOPRF.value) throw new DecodeError('only VOPRF (type 1) tokens are issued');
  admit(count);
  // Per request rather than genericBatched.Issuer.issue, which console.logs each failure: the
  // relay's log gets counts, never details of what a client sent.
  const issuer = new privateVerif.Issuer(TOKEN_ISSUER, key.privateKey, key.publicKey);
  const truncatedKeyId = (await tokenKeyId(key.publicKey)).at(-1);
  const answers: genericBatched.OptionalTokenResponse[] = [];
  for (const r of batch) {
    // Each evaluation is ~25 ms of P-384 work on one core. Yield to the event loop between them,
    // so that a batch of 64 does not hold every other connection of the relay for over a second
    // (bench/abuse.bench.ts measured the legitimate p50 at 1.4 s while a batch was issued).
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (r.truncatedTokenKeyId !== truncatedKeyId) throw new HardlineError('TOKEN_INVALID', "a token request was not for this relay's current key; fetch the key again");
    let evaluated: privateVerif.TokenResponse;
    try {
      evaluated = await issuer.issue(r.tokenRequest as privateVerif.TokenRequest);
    } catch (cause) {
      throw new DecodeError('a token request holds no valid blinded element', { cause });
    }
    answers.push(new genericBatched.OptionalTokenResponse(TOKEN_TYPES.VOPRF.value as 1, evaluated));
  }
  const response = new genericBatched.GenericBatchTokenResponse(answers);
  return { response: toBase64Url(response.serialize()), count };
}

export type ParsedToken = {
  /** The client's random nonce: what the relay remembers to refuse a second spend. */
  readonly nonce: Uint8Array;
  /** SHA-256 of the issuer public key the token claims (RFC 9578 token_key_id). */
  readonly keyId: Uint8Array;
  readonly token: Token;
};

export function parseToken(value: unknown): ParsedToken {
  if (typeof value !== 'string' || value.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(value)) throw new DecodeError('token must be a base64url Privacy Pass token');
  let token: Token;
  try {
    token = Token.deserialize(TOKEN_TYPES.VOPRF, fromBase64Url(value, MAX_TOKEN_CHARS));
  } catch (cause) {
    throw new DecodeError('token is not a Privacy Pass token', { cause });
  }
  if (token.authInput.tokenType !== TOKEN_TYPES.VOPRF.value) throw new DecodeError('only VOPRF (type 1) tokens are accepted');
  return { nonce: token.authInput.nonce, keyId: token.authInput.tokenKeyId, token };
}

/** Relay: whether the token was issued under `key` for our (context-free) challenge. */
export async function verifyToken(key: TokenKeyPair, parsed: ParsedToken): Promise<boolean> {
  const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', challenge.serialize() as Uint8Array<ArrayBuffer>));
  const digest = parsed.token.authInput.challengeDigest;
  if (digest.length !== expected.length || !digest.every((b, i) => b === expected[i])) return false;
  return privateVerif.verifyToken(parsed.token, key.privateKey);
}

/** RFC 9578 §6.5: token_key_id is SHA-256 of the issuer's public key. */
export async function tokenKeyId(publicKey: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', publicKey as Uint8Array<ArrayBuffer>));
}
