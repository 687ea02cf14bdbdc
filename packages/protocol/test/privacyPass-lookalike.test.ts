/**
 * Privacy Pass against look-alikes and exact edges, from a client that builds its own requests
 * and tokens: a batch of exactly the bound, a Blind RSA (type 2) request slipped into a batch, a
 * token relabelled as another type, a token minted for a challenge whose digest agrees with ours
 * in some bytes (its VOPRF output is genuine, only the full digest comparison refuses it), a
 * token re-spelled in standard base64, and a spent token padded out to the string bound.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTokenKey, issueTokens, parseToken, requestTokens, tokenKeyId, verifyToken, MAX_TOKEN_BATCH, TOKEN_ISSUER } from '../src/tokens/privacyPass.ts';
// After privacyPass.ts, which picks the noble provider before privacypass-ts builds its group.
import { genericBatched, privateVerif, TOKEN_TYPES, TokenChallenge } from '@cloudflare/privacypass-ts';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const requestsOf = (request: string) => [...genericBatched.BatchedTokenRequest.deserialize(Buffer.from(request, 'base64url'))];
const batchOf = (requests: genericBatched.TokenRequest[]) => b64(new genericBatched.BatchedTokenRequest(requests).serialize());

async function oneToken(key: Awaited<ReturnType<typeof generateTokenKey>>) {
  const { request, finish } = await requestTokens(key.publicKey, 1);
  const [token] = await finish((await issueTokens(key, request)).response);
  return token!;
}

describe('Privacy Pass look-alikes', () => {
  it('a batch of exactly 64 requests reaches admission (the budget check) with its full count', async () => {
    const key = await generateTokenKey();
    const { request } = await requestTokens(key.publicKey, MAX_TOKEN_BATCH);
    // Evaluating 64 tokens takes seconds of P-384 work; admission comes first and may throw,
    // which is how the relay stops a caller over its budget. Stop there.
    const overBudget = new Error('over budget');
    let admitted = 0;
    await expect(
      issueTokens(key, request, (n) => {
        admitted = n;
        throw overBudget;
      }),
    ).rejects.toBe(overBudget);
    expect(admitted).toBe(64);
    // A smaller batch is evaluated all the way.
    const two = await requestTokens(key.publicKey, 2);
    const { response, count } = await issueTokens(key, two.request, (n) => void (admitted = n));
    expect([count, admitted]).toEqual([2, 2]);
    for (const t of await two.finish(response)) expect(await verifyToken(key, parseToken(t))).toBe(true);
  });

  it('a batch holding a Blind RSA (type 2) request is refused before anything is admitted or evaluated', async () => {
    const key = await generateTokenKey();
    const truncated = (await tokenKeyId(key.publicKey)).at(-1)!;
    // Type 2's wire shape: token_type 0x0002, the truncated key id, a 256-byte blinded message.
    const rsa = genericBatched.TokenRequest.deserialize(Uint8Array.from([0x00, 0x02, truncated, ...new Uint8Array(256).fill(7)]));
    expect(rsa.tokenType).toBe(TOKEN_TYPES.BLIND_RSA.value);
    const [voprf] = requestsOf((await requestTokens(key.publicKey, 1)).request);
    for (const batch of [[rsa], [voprf!, rsa], [rsa, voprf!]]) {
      let admitted = 0;
      await expect(issueTokens(key, batchOf(batch), (n) => void (admitted += n))).rejects.toMatchObject({ code: 'DECODE' });
      expect(admitted).toBe(0);
    }
  });

  it('a genuine token relabelled as another token type is refused when read', async () => {
    const key = await generateTokenKey();
    const token = await oneToken(key);
    expect(parseToken(token).token.authInput.tokenType).toBe(1);
    for (const type of [0x0000, 0x0002, 0x0003, 0x0101, 0xda7a]) {
      const bytes = Buffer.from(token, 'base64url');
      bytes.writeUInt16BE(type, 0);
      expect(() => parseToken(bytes.toString('base64url')), type.toString(16)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
  });

  it('a token minted for a challenge whose digest agrees with ours in some bytes does not verify', async () => {
    const key = await generateTokenKey();
    const digestOf = (c: TokenChallenge) => createHash('sha256').update(c.serialize()).digest();
    const ours = digestOf(new TokenChallenge(TOKEN_TYPES.VOPRF.value, TOKEN_ISSUER, new Uint8Array(0)));
    // About one issuer name in nine gives a digest that agrees with ours in at least one position.
    let elsewhere: TokenChallenge | undefined;
    for (let i = 0; i < 500 && !elsewhere; i++) {
      const c = new TokenChallenge(TOKEN_TYPES.VOPRF.value, `${TOKEN_ISSUER}-${i}`, new Uint8Array(0));
      const d = digestOf(c);
      if (d.some((b, j) => b === ours[j])) elsewhere = c;
    }
    if (!elsewhere) throw new Error('no near digest in 500 names');
    // The relay evaluates blindly, so a client can have it evaluate a token for any challenge.
    const client = new privateVerif.Client();
    const request = await client.createTokenRequest(elsewhere, key.publicKey);
    const issuer = new privateVerif.Issuer(elsewhere.issuerName, key.privateKey, key.publicKey);
    const token = await client.finalize(await issuer.issue(request));
    expect(await privateVerif.verifyToken(token, key.privateKey)).toBe(true);
    const parsed = parseToken(b64(token.serialize()));
    expect(Buffer.from(parsed.token.authInput.challengeDigest)).not.toEqual(ours);
    expect(await verifyToken(key, parsed)).toBe(false);
  });

  it('a token spelled in standard base64 is refused, wherever the + or / falls', async () => {
    const key = await generateTokenKey();
    // Mint until the token has a '-' or '_' before its last character (almost always at once).
    let token = await oneToken(key);
    for (let i = 0; i < 20 && !/[-_]/.test(token.slice(0, -1)); i++) token = await oneToken(key);
    const standard = token.replaceAll('-', '+').replaceAll('_', '/');
    expect(standard).not.toBe(token);
    expect(Buffer.from(standard, 'base64')).toEqual(Buffer.from(token, 'base64url'));
    expect(() => parseToken(standard)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => parseToken(`+${token}`)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => parseToken(`/${token.slice(1)}`)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(parseToken(token).nonce).toHaveLength(32);
  });

  it('a spent token padded out to the 256-character bound is still the same token; one more character is refused', async () => {
    const key = await generateTokenKey();
    const token = await oneToken(key);
    const original = parseToken(token);
    // The decoder reads the token's fixed fields and ignores what follows, so padding cannot
    // make a fresh spend: the nonce the relay remembers is the same.
    const padded = token + 'A'.repeat(256 - token.length);
    expect(padded).toHaveLength(256);
    const again = parseToken(padded);
    expect(again.nonce).toEqual(original.nonce);
    expect(again.keyId).toEqual(original.keyId);
    expect(() => parseToken(`${padded}A`)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => parseToken('A'.repeat(257))).toThrow(/base64url/);
  });
});
