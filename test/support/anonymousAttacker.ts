/**
 * @module test/support/anonymousAttacker
 * What a stranger with no account can do from the open internet: anonymous requests to the
 * relay's anonymous endpoints, with nothing but a device id (every member and ex-member has all
 * of them, from the directory).
 */
/**
 * Claims a device's KeyPackages until none but its last-resort one is left (or `max`). A stranger has no tokens, so each
 * claim is refused (TOKEN_REQUIRED) and nothing is claimed; an insider passes `pay`, tokens its
 * own device fetched (test/support/privacyPassTokens.ts), and is held to its daily budget.
 */
export async function claimAllKeyPackages(relayUrl: string, deviceId: string, max = 1_000, pay?: () => Promise<string>): Promise<number> {
  let claimed = 0;
  for (; claimed < max; claimed++) {
    const token = pay ? await pay() : undefined;
    const r = await fetch(`${relayUrl}/v1/keypackages/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId, ...(token ? { token } : {}) }) });
    if (r.status === 404 || (r.status === 401 && !pay)) break;
    if (r.status !== 200) throw new Error(`claim answered ${r.status}`);
    // The device's last-resort KeyPackage (RFC 9420 §16.8): it is never used up, and it comes
    // only once every other one is gone, so that is where "all" ends (not counted).
    if (((await r.json()) as { mailboxNonce?: string }).mailboxNonce) break;
  }
  return claimed;
}

/** Takes an epoch lock and walks away, as a device that crashed or a hostile member would. */
export async function takeLockAndVanish(relayUrl: string, token: string): Promise<number> {
  const r = await fetch(`${relayUrl}/v1/locks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  return r.status;
}
