/**
 * @module progressBar
 * A one-line progress bar for stderr, redrawn with '\r'. Throttled so that redrawing costs
 * nothing next to parsing, and shown only for files large enough to make someone wait.
 */
import { basename } from 'node:path';
import type { ProgressCallback } from '../callRecord.ts';

/** Files smaller than this parse in well under a second; no bar. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

export function createProgressBar(write: (s: string) => void, width = 30): { progress: ProgressCallback; finish: () => void } {
  let lastDrawn = 0;
  let lastFraction = -1;
  let shown = false;
  const progress: ProgressCallback = (done, total, file) => {
    if (total < PROGRESS_MIN_BYTES) return;
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const now = Date.now();
    if (fraction < 1 && (now - lastDrawn < 100 || fraction - lastFraction < 0.005)) return;
    lastDrawn = now;
    lastFraction = fraction;
    shown = true;
    const filled = Math.round(fraction * width);
    const mb = (n: number): string => (n / 1048576).toFixed(0);
    write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${mb(done)}/${mb(total)} MB ${basename(file)}`);
  };
  return {
    progress,
    finish: () => {
      if (shown) write('\n');
      shown = false;
    },
  };
}
