/**
 * @module platform/keyFileWorker
 * The dedicated worker that writes the key file (platform/keySlots.ts). Only a dedicated
 * worker may open a FileSystemSyncAccessHandle, whose writes land in place in the file; the
 * asynchronous writer would copy the file to a `.crswap` and rename it over, leaving the old
 * bytes in freed blocks. Each request opens the handle, works, flushes (fsync) and closes it,
 * under the key file's Web Lock, so the service worker can read between requests.
 */
/// <reference lib="webworker" />
import { isZero, KEY_FILE, KEY_FILE_LOCK, SLOT_BYTES, SLOTS } from './keySlots.ts';
import type { KeyFileReply, KeyFileRequest } from './keyFileProtocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const FILE_BYTES = SLOTS * SLOT_BYTES;

async function withHandle<T>(fn: (h: FileSystemSyncAccessHandle) => T): Promise<T> {
  return navigator.locks.request(KEY_FILE_LOCK, async () => {
    const root = await navigator.storage.getDirectory();
    const h = await (await root.getFileHandle(KEY_FILE, { create: true })).createSyncAccessHandle();
    try {
      // Created once at full size; never truncated, so no key's blocks are ever freed.
      if (h.getSize() < FILE_BYTES) h.write(new Uint8Array(FILE_BYTES - h.getSize()), { at: h.getSize() });
      const out = fn(h);
      h.flush();
      return out;
    } finally {
      h.close();
    }
  });
}

function slotBytes(h: FileSystemSyncAccessHandle, slot: number): Uint8Array {
  const b = new Uint8Array(SLOT_BYTES);
  h.read(b, { at: slot * SLOT_BYTES });
  return b;
}

function zero(h: FileSystemSyncAccessHandle, slot: number): void {
  h.write(new Uint8Array(SLOT_BYTES), { at: slot * SLOT_BYTES });
}

/** Writes a fresh random key into the first free slot and adds it to `reply`. */
function withFreshKey(h: FileSystemSyncAccessHandle, id: number, reply: KeyFileReply & { ok: true }): KeyFileReply {
  for (let slot = 0; slot < SLOTS; slot++) {
    if (!isZero(slotBytes(h, slot))) continue;
    let raw = crypto.getRandomValues(new Uint8Array(SLOT_BYTES));
    // An all-zero key would read as a free slot (probability 2^-256, but cheap to rule out).
    while (isZero(raw)) raw = crypto.getRandomValues(new Uint8Array(SLOT_BYTES));
    h.write(raw, { at: slot * SLOT_BYTES });
    return { ...reply, slot, raw };
  }
  return { id, ok: false, code: 'KEY_FILE_FULL', message: 'every key slot is in use' };
}

async function handle(req: KeyFileRequest): Promise<KeyFileReply> {
  switch (req.op) {
    case 'allocate':
      return withHandle((h) => withFreshKey(h, req.id, { id: req.id, ok: true }));
    case 'shred':
      return withHandle((h) => {
        for (const s of req.slots) if (Number.isInteger(s) && s >= 0 && s < SLOTS) zero(h, s);
        // The next save's key, written by the same flush: one durable write where two were.
        return req.allocate ? withFreshKey(h, req.id, { id: req.id, ok: true }) : { id: req.id, ok: true };
      });
    case 'collect':
      return withHandle((h) => {
        const live = new Set(req.live);
        let freed = 0;
        for (let s = 0; s < SLOTS; s++) {
          if (live.has(s) || isZero(slotBytes(h, s))) continue;
          zero(h, s);
          freed++;
        }
        return { id: req.id, ok: true, freed };
      });
    case 'wipe': {
      await withHandle((h) => h.write(new Uint8Array(Math.max(FILE_BYTES, h.getSize())), { at: 0 }));
      await navigator.locks.request(KEY_FILE_LOCK, async () => (await navigator.storage.getDirectory()).removeEntry(KEY_FILE).catch(() => undefined));
      return { id: req.id, ok: true };
    }
  }
}

// One request at a time, in order: an allocation must never see a slot a shred is clearing.
let queue: Promise<unknown> = Promise.resolve();
self.onmessage = (ev: MessageEvent<KeyFileRequest>) => {
  const req = ev.data;
  queue = queue.then(async () => {
    let reply: KeyFileReply;
    try {
      reply = await handle(req);
    } catch (e) {
      reply = { id: req.id, ok: false, code: 'KEY_FILE_UNAVAILABLE', message: e instanceof DOMException ? e.name : 'key file error' };
    }
    self.postMessage(reply);
  });
};
