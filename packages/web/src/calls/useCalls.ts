/**
 * @module calls/useCalls
 * Re-renders a component when the call manager's state changes.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CallManager } from './callManager.ts';

export function useCalls(calls: CallManager): void {
  const [, setTick] = useState(0);
  useEffect(() => calls.subscribe(() => setTick((n) => n + 1)), [calls]);
}
