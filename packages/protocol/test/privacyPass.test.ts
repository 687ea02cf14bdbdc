import { describe, expect, it } from 'vitest';
import { generateTokenKey, issueTokens, parseToken, requestTokens, tokenKeyId, verifyToken, MAX_TOKEN_BATCH, TOKEN_ISSUER } from '../src/tokens/privacyPass.ts';
// After privacyPass.ts, which picks the noble provider before privacypass-ts builds its group.
import { genericBatched, privateVerif } from '@cloudflare/privacypass-ts';

describe('Privacy Pass tokens (RFC 9578 type 1, batched)', () => {
  it('issues tokens that verify under the issuing key only, once each nonce', async () => {
    const key = await generateTokenKey();
    const other = await generateTokenKey();
    const { request, finish } = await requestTokens(key.publicKey, 3);
    const { response, count } = await issueTokens(key, request);
    expect(count).toBe(3);
    const tokens = await finish(response);
    expect(tokens).toHaveLength(3);
    const parsed = tokens.map(parseToken);
    // Distinct nonces: the relay's spent set keys on them.
    expect(new Set(parsed.map((p) => Buffer.from(p.nonce).toString('hex'))).size).toBe(3);
    expect(Buffer.from(parsed[0]!.keyId)).toEqual(Buffer.from(await tokenKeyId(key.publicKey)));
    for (const p of parsed) expect(await verifyToken(key, p)).toBe(true);
    expect(await verifyToken(other, parsed[0]!)).toBe(false);
  });

  it('refuses a forged or altered token', async () => {
    const key = await generateTokenKey();
    const { request, finish } = await requestTokens(key.publicKey, 1);
    const [token] = await finish((await issueTokens(key, request)).response);
    const bytes = Buffer.from(token!, 'base64url');
    bytes[bytes.length - 1]! ^= 1; // the authenticator
    expect(await verifyToken(key, parseToken(bytes.toString('base64url')))).toBe(false);
    const nonceFlipped = Buffer.from(token!, 'base64url');
    nonceFlipped[5]! ^= 1;
    expect(await verifyToken(key, parseToken(nonceFlipped.toString('base64url')))).toBe(false);
  });

  it('a client refuses an answer evaluated under a different key (a tagging relay)', async () => {
    const published = await generateTokenKey();
    const tagging = await generateTokenKey();
    const { request, finish } = await requestTokens(published.publicKey, 1);
    // The relay evaluates under a per-device key, ignoring the key id the request names; the
    // client checks the DLEQ proof against the published key and refuses.
    const batch = genericBatched.BatchedTokenRequest.deserialize(Buffer.from(request, 'base64url'));
    const issuer = new privateVerif.Issuer(TOKEN_ISSUER, tagging.privateKey, tagging.publicKey);
    const answers = await Promise.all([...batch].map(async (r) => new genericBatched.OptionalTokenResponse(1, await issuer.issue(r.tokenRequest as privateVerif.TokenRequest))));
    const forged = Buffer.from(new genericBatched.GenericBatchTokenResponse(answers).serialize()).toString('base64url');
    await expect(finish(forged)).rejects.toThrow();
    // Sanity: the same path under the published key succeeds, so the refusal above is the proof check.
    const honest = new privateVerif.Issuer(TOKEN_ISSUER, published.privateKey, published.publicKey);
    const again = await requestTokens(published.publicKey, 1);
    const ok = await Promise.all([...genericBatched.BatchedTokenRequest.deserialize(Buffer.from(again.request, 'base64url'))].map(async (r) => new genericBatched.OptionalTokenResponse(1, await honest.issue(r.tokenRequest as privateVerif.TokenRequest))));
    expect(await again.finish(Buffer.from(new genericBatched.GenericBatchTokenResponse(ok).serialize()).toString('base64url'))).toHaveLength(1);
  });

  it('gives clear errors for junk', async () => {
    const key = await generateTokenKey();
    expect(() => parseToken('AAAA')).toThrow(/Privacy Pass/);
    expect(() => parseToken(42)).toThrow(/base64url/);
    expect(() => parseToken('x'.repeat(1000))).toThrow(/base64url/);
    await expect(issueTokens(key, 'AAAA')).rejects.toThrow(/batched/);
    await expect(requestTokens(key.publicKey, MAX_TOKEN_BATCH + 1)).rejects.toThrow(/1 to 64/);
  });
});
