/**
 * @module test/support/privacyPassTokens
 * Privacy Pass tokens for tests that call the relay's anonymous endpoints by hand: an enrolled
 * device (or an insider's stolen session) fetches them over its session, then spends them with
 * none, exactly as the client's wallet does (packages/client/src/tokenWallet.ts).
 */
import { fromBase64Url } from '../../packages/protocol/src/index.ts';
import { MAX_TOKEN_BATCH, requestTokens } from '../../packages/protocol/src/tokens/privacyPass.ts';

export type TokenPurpose = 'claim' | 'blob' | 'turn';

/**
 * Node's fetch keeps connections alive and may send on one the relay is closing just then (it
 * closes idle ones, and answers anonymous calls with `Connection: close`); on a starved
 * machine that race shows as `fetch failed` / ECONNRESET before the request was read. The
 * harness is not what these tests examine, so it tries such a request again, twice at most.
 */
async function harnessFetch(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const code = (e as { cause?: { code?: string } }).cause?.code;
      if (attempt >= 2 || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw e;
    }
  }
}

/** `count` tokens of a purpose for the device whose session token is `session`. */
export async function fetchTokens(relayUrl: string, session: string, count: number, purpose: TokenPurpose = 'claim'): Promise<string[]> {
  const tokens: string[] = [];
  const keyRes = await harnessFetch(`${relayUrl}/v1/tokens/${purpose}/key`);
  if (keyRes.status !== 200) throw new Error(`token key answered ${keyRes.status}`);
  const key = (await keyRes.json()) as { publicKey: string };
  while (tokens.length < count) {
    const n = Math.min(MAX_TOKEN_BATCH, count - tokens.length);
    const { request, finish } = await requestTokens(fromBase64Url(key.publicKey, 256), n);
    const r = await harnessFetch(`${relayUrl}/v1/tokens/${purpose}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` }, body: JSON.stringify({ request }) });
    const body = (await r.json()) as { response?: string; error?: { code: string } };
    if (r.status !== 200) throw Object.assign(new Error(`tokens answered ${r.status} ${body.error?.code}`), { code: body.error?.code, status: r.status });
    tokens.push(...(await finish(body.response!)));
  }
  return tokens;
}

/** Hands out pre-fetched tokens one at a time, fetching more as needed. */
export function tokenPurse(relayUrl: string, session: string, batch = 16, purpose: TokenPurpose = 'claim'): () => Promise<string> {
  const held: string[] = [];
  return async () => {
    if (held.length === 0) held.push(...(await fetchTokens(relayUrl, session, batch, purpose)));
    return held.pop()!;
  };
}
