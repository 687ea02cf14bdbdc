/**
 * @module relayTrace
 * Reading the relay's observer trace as a live operator would (startRelay's `observer`): what
 * one device did under its own name, and which KeyPackage claims named a device.
 */
import type { ObserverEvent } from '@hardline/server';

/** Times of what the relay saw on connections that authenticated as this device. */
export function sessionTimes(trace: readonly ObserverEvent[], device: string): number[] {
  const conns = new Set(trace.filter((e) => e.kind === 'auth' && e.device === device).map((e) => e.conn));
  return trace.filter((e) => conns.has(e.conn) && e.kind !== 'connect' && e.kind !== 'disconnect').map((e) => e.t);
}

/** Claims of this device's KeyPackages (the claimer is anonymous; the claimed device is named). */
export function claimsOf(trace: readonly ObserverEvent[], device: string): ObserverEvent[] {
  return trace.filter((e) => e.kind === 'claim' && e.device === device);
}
