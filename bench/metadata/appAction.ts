/**
 * @module appAction
 * Device actions of the web app, beside the CLI's polls and sends (trafficSchedule.ts): a held-open
 * inbox receiving what was just posted, a batched delivery receipt, a call signal and a TURN
 * credential fetch. The driver runs them through the real client, in time order with the rest.
 */
import type { CallOp } from '@hardline/protocol';

export const AppActionKinds = {
  DELIVER: 'deliver',
  RECEIPT: 'receipt',
  CALL_SIGNAL: 'call-signal',
  TURN: 'turn-credentials',
} as const;

/** Where a control goes: the direct conversation with `peer`, or the group by name. */
export type ControlTarget = { readonly peer: number } | { readonly group: string };

export type AppAction =
  /**
   * The relay pushes to this device's held-open inbox and it acknowledges. `ofSlotted`: the push
   * of a text or receipt, which with the send scheduler on follows its slot's post instead.
   */
  | { readonly t: number; readonly user: number; readonly kind: typeof AppActionKinds.DELIVER; readonly ofSlotted?: boolean }
  /** Receipts for these simulated messages, in one control. */
  | { readonly t: number; readonly user: number; readonly kind: typeof AppActionKinds.RECEIPT; readonly target: ControlTarget; readonly messages: readonly number[] }
  | { readonly t: number; readonly user: number; readonly kind: typeof AppActionKinds.CALL_SIGNAL; readonly peer: number; readonly callId: string; readonly op: CallOp }
  /** TURN credentials bought with an anonymous token, as the web app does before opening media. */
  | { readonly t: number; readonly user: number; readonly kind: typeof AppActionKinds.TURN; readonly callId: string };

/** What the driver noted of a call action: when (simulated) it ended. */
export type CallRecord = { readonly callId: string; readonly user: number; readonly what: CallOp | 'turn'; readonly sim: number };
