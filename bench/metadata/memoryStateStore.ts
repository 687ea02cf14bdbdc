/**
 * @module memoryStateStore
 * Device state kept in memory. The benchmark measures what crosses the wire; encrypting and
 * fsyncing 200 state files per action would only slow the simulation down without changing a
 * single byte the relay or the network sees.
 */
import type { DeviceState, StateStore } from '@hardline/client';

export class MemoryStateStore implements StateStore {
  #state: DeviceState | undefined;

  async load(): Promise<DeviceState | undefined> {
    return this.#state;
  }

  async save(state: DeviceState): Promise<void> {
    this.#state = state;
  }

  async wipe(): Promise<void> {
    this.#state = undefined;
  }
}
