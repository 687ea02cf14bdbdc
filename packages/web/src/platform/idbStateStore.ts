/**
 * @module platform/idbStateStore
 * The engine's StateStore in the browser: the device state, sealed in IndexedDB under a key
 * that each save replaces (platform/encryptedKv.ts). Saves are serialised so that an older
 * snapshot can never land after a newer one.
 */
import type { DeviceState, StateStore } from '@hardline/client';
import { idbWipe } from './idb.ts';
import { sealedGet, sealedPutJson, wipeKeys } from './encryptedKv.ts';

export class IdbStateStore implements StateStore {
  private writes: Promise<void> = Promise.resolve();
  private wiped = false;

  load(): Promise<DeviceState | undefined> {
    return sealedGet<DeviceState>('device');
  }

  save(state: DeviceState): Promise<void> {
    // After a wipe nothing may write the state back (an engine call still running, say).
    if (this.wiped) return Promise.resolve();
    // Serialise now: the engine keeps mutating `state` after save() returns its promise.
    const json = JSON.stringify(state);
    const next = this.writes.then(() => sealedPutJson('device', json));
    this.writes = next.catch(() => undefined);
    return next;
  }

  async wipe(): Promise<void> {
    this.wiped = true;
    await this.writes;
    // Keys first: should deleting the database fail, what it left is already unreadable.
    await wipeKeys();
    await idbWipe();
  }
}
