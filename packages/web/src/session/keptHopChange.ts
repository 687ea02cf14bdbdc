/**
 * @module session/keptHopChange
 * The hop change the person read and chose to keep the pinned hop through ("Keep" on the
 * notice, pinnedHop.ts): the notice then shrinks to a line until another change comes.
 *
 * Kept sealed beside the pin, not in localStorage: the change names the hop this person uses and
 * the one the relay named instead, and says they were warned and kept theirs. In clear storage it
 * outlived a wipe (the sealed records do not: their key goes first), so whoever held the laptop
 * afterwards could read it.
 */
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';
import type { HopChange } from './pinnedHop.ts';

const RECORD = 'ingress-change-kept';
/** Where versions before this one kept it in clear; removed at start and on every wipe. */
export const LEGACY_HOP_CHANGE_KEPT = 'hardline.hopChangeKept';

type Kept = { readonly from: string; readonly to: string | null };

/** The kept change; undefined when none or unreadable (the notice then shows in full: the safe side). */
export async function keptHopChange(): Promise<HopChange | undefined> {
  const kept = await sealedGet<Kept>(RECORD).catch(() => undefined);
  if (!kept || typeof kept.from !== 'string' || (kept.to !== null && typeof kept.to !== 'string')) return undefined;
  return { from: kept.from, to: kept.to ?? undefined };
}

export async function keepHopChange(change: HopChange): Promise<void> {
  await sealedPut(RECORD, { from: change.from, to: change.to ?? null } satisfies Kept);
}

export function sameHopChange(a: HopChange | undefined, b: HopChange | undefined): boolean {
  return !!a && !!b && a.from === b.from && a.to === b.to;
}
