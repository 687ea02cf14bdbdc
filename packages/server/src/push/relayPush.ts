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

export function openRelayPush(dataDir: string, options: PushOptions): RelayPush {
  const targets = new PushTargetStore(dataDir);
  const wakeUps = new WakeUps(targets, options.subject ?? DEFAULT_PUSH_SUBJECT, options.timing);
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
