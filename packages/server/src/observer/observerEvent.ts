/**
 * @module observerEvent
 * An optional trace of what a live relay operator can see, for the metadata benchmark: every
 * connection, what it authenticates as, which mailboxes it posts to, reads and acknowledges,
 * with times and sizes. `conn` is a per-TCP-connection counter standing in for an IP address.
 * Off by default; when off, each call site costs one `if`.
 */
import type { DeviceId, MailboxId } from '@hardline/protocol';

export const ObserverEventKinds = ['connect', 'disconnect', 'auth', 'post', 'push', 'ack', 'subscribe', 'claim'] as const;
export type ObserverEventKind = (typeof ObserverEventKinds)[number];

export type ObserverEvent = {
  /** Milliseconds since the epoch. */
  readonly t: number;
  readonly kind: ObserverEventKind;
  /** Opaque per-connection counter; the same TCP connection always has the same value. */
  readonly conn: number;
  readonly device?: DeviceId;
  readonly mailboxId?: MailboxId;
  readonly size?: number;
};

export type Observer = (event: ObserverEvent) => void;
