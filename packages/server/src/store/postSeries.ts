/**
 * @module postSeries
 * The posts that come one after another on one `WS /v1/post` connection: what the store must
 * never commit together. A connection carries one sender's burst (a group message's fan-out,
 * posted back to back, docs/protocol.md §7 risk 3), and until a commit's checkpoint returns,
 * the WAL shows everything that commit wrote side by side (§8): one commit holding the burst
 * would pair its mailboxes on a copy of the disk. Only an identity in memory, an object with
 * nothing in it: it names no device, address or mailbox, and is gone with its connection.
 */

declare const postSeries: unique symbol;
export type PostSeries = { readonly [postSeries]: true };

export function newPostSeries(): PostSeries {
  return Object.freeze({}) as PostSeries;
}
