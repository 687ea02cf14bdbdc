/**
 * Privacy Pass from both sides at their edges: a client asking for too many or too few tokens,
 * a batch of requests over the bound or empty, requests for a key the relay does not hold, a
 * relay answering a different number of requests, a token minted for another challenge (its
 * VOPRF output is genuine, only the challenge digest tells it apart), and token strings with
 * text around them.
 */
import { describe, expect, it } from 'vitest';
import { generateTokenKey, issueTokens, parseToken, requestTokens, verifyToken, MAX_TOKEN_BATCH } from '../src/tokens/privacyPass.ts';
// After privacyPass.ts, which picks the noble provider before privacypass-ts builds its group.
import { genericBatched, privateVerif, TOKEN_TYPES, TokenChallenge } from '@cloudflare/privacypass-ts';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const requestsOf = (request: string) => [...genericBatched.BatchedTokenRequest.deserialize(Buffer.from(request, 'base64url'))];

describe('Privacy Pass at its edges', () => {
  it('a client asks for 1 to 64 tokens at a time', async () => {
    const key = await generateTokenKey();
    for (const bad of [0, -1, 1.5, MAX_TOKEN_BATCH + 1]) await expect(requestTokens(key.publicKey, bad), String(bad)).rejects.toMatchObject({ code: 'USAGE' });
    expect(requestsOf((await requestTokens(key.publicKey, MAX_TOKEN_BATCH)).request)).toHaveLength(MAX_TOKEN_BATCH);
  });

  it('the relay refuses an empty batch and one over the bound before evaluating anything', async () => {
    const key = await generateTokenKey();
    let admitted = 0;
    const admit = (n: number) => void (admitted += n);
    await expect(issueTokens(key, b64(new genericBatched.BatchedTokenRequest([]).serialize()), admit)).rejects.toMatchObject({ code: 'DECODE' });
    const many = [...requestsOf((await requestTokens(key.publicKey, MAX_TOKEN_BATCH)).request), ...requestsOf((await requestTokens(key.publicKey, 1)).request)];
    await expect(issueTokens(key, b64(new genericBatched.BatchedTokenRequest(many).serialize()), admit)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(admitted).toBe(0);
  });

  it('the relay refuses requests for a key it does not hold', async () => {
    const key = await generateTokenKey();
    const other = await generateTokenKey();
    await expect(issueTokens(key, (await requestTokens(other.publicKey, 1)).request)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('a client refuses an answer to a different number of requests', async () => {
    const key = await generateTokenKey();
    const two = await requestTokens(key.publicKey, 2);
    const one = await requestTokens(key.publicKey, 1);
    await expect(two.finish((await issueTokens(key, one.request)).response)).rejects.toMatchObject({ code: 'DECODE' });
    await expect(two.finish('AAAA')).rejects.toMatchObject({ code: 'DECODE' });
  });

  it('a token minted for another challenge does not verify here, though its VOPRF output is genuine', async () => {
    const key = await generateTokenKey();
    const elsewhere = new TokenChallenge(TOKEN_TYPES.VOPRF.value, 'another-issuer', new Uint8Array(0));
    const client = new privateVerif.Client();
    const request = await client.createTokenRequest(elsewhere, key.publicKey);
    const issuer = new privateVerif.Issuer('another-issuer', key.privateKey, key.publicKey);
    const token = await client.finalize(await issuer.issue(request));
    expect(await privateVerif.verifyToken(token, key.privateKey)).toBe(true);
    expect(await verifyToken(key, parseToken(b64(token.serialize())))).toBe(false);
  });

  it('a token string with text around it is refused', async () => {
    const key = await generateTokenKey();
    const { request, finish } = await requestTokens(key.publicKey, 1);
    const [token] = await finish((await issueTokens(key, request)).response);
    expect(await verifyToken(key, parseToken(token))).toBe(true);
    for (const bad of [` ${token}`, `${token} `, `${token}=`, `x.${token}`, `${token}\n`]) expect(() => parseToken(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});
