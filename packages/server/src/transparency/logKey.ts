/**
 * @module logKey
 * The relay's key-transparency log key: Ed25519, made on first use and kept in the store's
 * meta table, so it survives restarts (clients pin its public key from GET /v1/org on first
 * contact, and a new key would look to them like a different log). One load per store.
 */
import { logPublicKey, newLogKey } from '@hardline/protocol';
import { MetaKeys, type RelayStore } from '../store/relayStore.ts';

export type LogKey = { readonly publicKey: string; readonly secretKey: string };

const loaded = new WeakMap<RelayStore, Promise<LogKey>>();

export function logKeyOf(store: RelayStore): Promise<LogKey> {
  let key = loaded.get(store);
  if (!key) {
    key = loadOrCreate(store);
    loaded.set(store, key);
    // A failed load (a closing store) must not stick: the next request tries again.
    key.catch(() => loaded.delete(store));
  }
  return key;
}

async function loadOrCreate(store: RelayStore): Promise<LogKey> {
  const stored = await store.getMeta(MetaKeys.LOG_KEY);
  if (stored !== undefined) return { publicKey: logPublicKey(stored), secretKey: stored };
  const fresh = newLogKey();
  await store.setMeta(MetaKeys.LOG_KEY, fresh.secretKey);
  return fresh;
}
