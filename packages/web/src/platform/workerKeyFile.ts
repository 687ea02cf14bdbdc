/**
 * @module platform/workerKeyFile
 * The app's key file (platform/keySlots.ts): writes go to the key-file worker, which alone may
 * write in place; reads use the asynchronous API. Installed by the app's entry (main.tsx); the
 * service worker keeps the read-only one.
 */
import { importSlotKey, openSlot, type KeyFile } from './keySlots.ts';
import type { KeyFileOp, KeyFileReply, KeyFileRequest } from './keyFileProtocol.ts';
import { StorageError } from './storageError.ts';

type Pending = { resolve: (r: KeyFileReply & { ok: true }) => void; reject: (e: unknown) => void };

async function keyOf(r: KeyFileReply & { ok: true }): Promise<{ slot: number; key: CryptoKey } | undefined> {
  if (r.slot === undefined || !r.raw) return undefined;
  const key = await importSlotKey(r.raw);
  r.raw.fill(0);
  return { slot: r.slot, key };
}

export function workerKeyFile(): KeyFile {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  function call(req: KeyFileOp): Promise<KeyFileReply & { ok: true }> {
    if (!worker) {
      worker = new Worker(new URL('./keyFileWorker.ts', import.meta.url), { type: 'module', name: 'keyfile' });
      worker.onmessage = (ev: MessageEvent<KeyFileReply>) => {
        const r = ev.data;
        const p = pending.get(r.id);
        pending.delete(r.id);
        if (r.ok) p?.resolve(r);
        else p?.reject(new StorageError(r.code, r.message));
      };
      worker.onerror = () => {
        for (const p of pending.values()) p.reject(new StorageError('KEY_FILE_UNAVAILABLE', 'the key-file worker failed'));
        pending.clear();
        worker = undefined;
      };
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ ...req, id } satisfies KeyFileRequest);
    });
  }

  return {
    async allocate() {
      const fresh = await keyOf(await call({ op: 'allocate' }));
      if (!fresh) throw new StorageError('KEY_FILE_UNAVAILABLE', 'the key-file worker gave no key');
      return fresh;
    },
    open: openSlot,
    shred: async (slots, allocate = false) => (slots.length > 0 || allocate ? keyOf(await call({ op: 'shred', slots: [...slots], allocate })) : undefined),
    collect: async (live) => void (await call({ op: 'collect', live: [...live] })),
    wipe: async () => void (await call({ op: 'wipe' })),
  };
}
