/**
 * @module org/auditChain
 * Checks a run of signed orders as one chain: each is signed by the org key, numbered one after
 * the other, and carries the hash of the one before. A removed, altered, reordered or inserted
 * order breaks it at that point; everything before the break still stands.
 */
import { GENESIS_PREV, orderHash, verifyOrder, type SignedOrder } from './signedOrder.ts';

export type ChainHead = { readonly seq: number; readonly hash: string };
export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_PREV };

export type ChainBreak = { readonly seq: number; readonly reason: 'signature' | 'sequence' | 'previous-hash' };
export type ChainCheck = { readonly valid: readonly SignedOrder[]; readonly head: ChainHead; readonly broken?: ChainBreak };

export function checkChain(orders: readonly SignedOrder[], orgKey: string, from: ChainHead = EMPTY_CHAIN): ChainCheck {
  const valid: SignedOrder[] = [];
  let head = from;
  for (const o of orders) {
    const broken: ChainBreak | undefined =
      o.seq !== head.seq + 1 ? { seq: head.seq + 1, reason: 'sequence' } : o.prev !== head.hash ? { seq: o.seq, reason: 'previous-hash' } : !verifyOrder(o, orgKey) ? { seq: o.seq, reason: 'signature' } : undefined;
    if (broken) return { valid, head, broken };
    valid.push(o);
    head = { seq: o.seq, hash: orderHash(o) };
  }
  return { valid, head };
}
