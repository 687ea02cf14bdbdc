/**
 * @module platform/singleTab
 * Only one tab may run the engine for this browser profile: two engines on one device state
 * would each advance the same MLS epochs and overwrite each other's saves. A Web Lock held for
 * the page's lifetime decides which tab it is.
 */
export const DEVICE_LOCK = 'hardline-device';
/**
 * Held by the service worker around its own use of the device (sw/wakeUp.ts), so that a tab
 * opened from a notification waits a moment for the worker instead of taking it for a tab.
 */
export const WORKER_LOCK = 'hardline-device-worker';
const WORKER_WAIT_MS = 30_000;

/** Resolves true when this tab now holds the device (until it closes), false when another does. */
export async function claimDevice(): Promise<boolean> {
  if (!('locks' in navigator)) return true;
  if (await takeDevice(true)) return true;
  const held = (await navigator.locks.query()).held ?? [];
  return held.some((l) => l.name === WORKER_LOCK) ? takeDevice(false) : false;
}

function takeDevice(ifAvailable: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const options: LockOptions = ifAvailable ? { ifAvailable: true } : { signal: AbortSignal.timeout(WORKER_WAIT_MS) };
    navigator.locks
      .request(DEVICE_LOCK, options, (lock) => {
        resolve(lock !== null);
        // Holding the lock means never settling while this page lives.
        return lock ? new Promise<void>(() => undefined) : undefined;
      })
      .catch(() => resolve(false));
  });
}
