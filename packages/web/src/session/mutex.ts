/**
 * @module session/mutex
 * The engine is not re-entrant: two operations interleaving at their awaits would each
 * decode, advance and re-encode the same MLS state, and one advance would be lost. Every
 * engine call goes through this one lock.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
