/**
 * @module fileDescriptors
 * The process's open-file limit, so that the connection cap sits below it: past the limit every
 * accept, SQLite file and static file fails at once, for everyone. Node raises the soft limit
 * to the hard one at start; this reads what it got (Linux /proc; elsewhere unknown).
 */
import { readFileSync } from 'node:fs';

/** File descriptors kept for everything that is not a client connection. */
export const FD_HEADROOM = 256;

export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined || soft === 'unlimited') return undefined;
    const n = Number(soft);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The connection cap to use: the configured one, lowered under the descriptor limit unless the operator set it. */
export function connectionCap(configured: number, operatorSet: boolean, limit = openFileLimit()): { cap: number; lowered: boolean } {
  if (operatorSet || limit === undefined) return { cap: configured, lowered: false };
  const room = Math.max(64, limit - FD_HEADROOM);
  return room < configured ? { cap: room, lowered: true } : { cap: configured, lowered: false };
}
