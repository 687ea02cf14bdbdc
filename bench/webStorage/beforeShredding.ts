/**
 * @module bench/webStorage/beforeShredding (packages/web/src/platform/encryptedKv.ts at f27d5bc, the baseline)
 * Values sealed with AES-256-GCM under a key generated in the browser as non-extractable: the
 * key object is stored in IndexedDB, but script (ours or injected) can only ask the browser to
 * use it, never read its bytes. A copied profile directory still decrypts on the same machine;
 * what this stops is exfiltrating the key through the page.
 */
import { idbGet, idbPut } from '../../packages/web/src/platform/idb.ts';

const KEY_NAME = 'key:state';

type Sealed = { iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer };

let keyPromise: Promise<CryptoKey> | undefined;

async function stateKey(): Promise<CryptoKey> {
  keyPromise ??= (async () => {
    const existing = await idbGet<CryptoKey>(KEY_NAME);
    if (existing) return existing;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    await idbPut(KEY_NAME, key);
    return key;
  })();
  try {
    return await keyPromise;
  } catch (e) {
    keyPromise = undefined;
    throw e;
  }
}

/** Forgets the cached key object, after a wipe. */
export function forgetStateKey(): void {
  keyPromise = undefined;
}

export async function sealedGet<T>(name: string): Promise<T | undefined> {
  const sealed = await idbGet<Sealed>(`sealed:${name}`);
  if (!sealed) return undefined;
  const key = await stateKey();
  // The record name is the associated data, so one record cannot be swapped for another.
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: new TextEncoder().encode(name) }, key, sealed.ct);
  return JSON.parse(new TextDecoder().decode(pt)) as T;
}

export function sealedPut(name: string, value: unknown): Promise<void> {
  return sealedPutJson(name, JSON.stringify(value));
}

export async function sealedPutJson(name: string, json: string): Promise<void> {
  const key = await stateKey();
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const pt: Uint8Array<ArrayBuffer> = new TextEncoder().encode(json);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) }, key, pt);
  await idbPut(`sealed:${name}`, { iv, ct } satisfies Sealed);
}
