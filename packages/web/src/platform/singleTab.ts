/**
 * @module platform/singleTab
 * Only one tab may run the engine for this browser profile: two engines on one device state
 * would each advance the same MLS epochs and overwrite each other's saves. A Web Lock held for
 * the page's lifetime decides which tab it is.
 */
const LOCK = 'hardline-device';

/** Resolves true when this tab now holds the device (until it closes), false when another does. */
export function claimDevice(): Promise<boolean> {
  if (!('locks' in navigator)) return Promise.resolve(true);
  return new Promise((resolve) => {
    void navigator.locks.request(LOCK, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Holding the lock means never settling while this page lives.
      return lock ? new Promise<void>(() => undefined) : undefined;
    });
  });
}
