/**
 * @module boundedCache
 * A map kept in memory in front of something slower (the database, a hash check) that never
 * holds more than `capacity` entries. A full cache is emptied at once, not evicted entry by
 * entry: every entry can be had again from its source, the bound is there so that a stranger
 * who touches ever more mailboxes cannot grow the relay's memory, and a whole clear costs
 * nothing per hit, where keeping an LRU order would cost on every read.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`a cache needs a capacity of at least 1, not ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Adds or replaces `key`; a new key when the cache is full empties it first. */
  set(key: K, value: V): void {
    if (this.#entries.size >= this.capacity && !this.#entries.has(key)) this.#entries.clear();
    this.#entries.set(key, value);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
