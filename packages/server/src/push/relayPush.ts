/**
 * @module relayPush
 * What the relay holds for Web Push while it runs: the target store, the sender of wake-ups
 * and the endpoint policy. Absent from the context when the organisation turned push off.
 */
import { DEFAULT_PUSH_SUBJECT, type PushOptions } from './pushOptions.ts';
import { VENDOR_ENDPOINTS, type EndpointPolicy } from './pushSubscription.ts';
import { KeyPackageWakeTargets } from './keyPackageWakeTargets.ts';
import { PushTargetStore } from './pushTargetStore.ts';
import { WakeUps } from './wakeUps.ts';

export type RelayPush = {
  readonly targets: PushTargetStore;
  readonly wakeUps: WakeUps;
  /** Each device's target for its KeyPackage mailboxes, in memory only. */
  readonly keyPackageTargets: KeyPackageWakeTargets;
  readonly endpoints: EndpointPolicy;
  close(): Promise<void>;
};

/** `log`: the relay's log, told once if the cover table fills (wakeUps.ts). */
export function openRelayPush(dataDir: string, options: PushOptions, log?: (line: string) => void): RelayPush {
  const targets = new PushTargetStore(dataDir);
  const wakeUps = new WakeUps(targets, options.subject ?? DEFAULT_PUSH_SUBJECT, { ...options.timing, ...(log ? { log } : {}) });
  return {
    targets,
    wakeUps,
    keyPackageTargets: new KeyPackageWakeTargets(targets),
    endpoints: options.endpoints ?? VENDOR_ENDPOINTS,
    close: async () => {
      await wakeUps.close();
      targets.close();
    },
  };
}
