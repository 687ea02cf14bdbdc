/**
 * @module ui/useSession
 * Re-renders a component whenever the session says its state changed.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';

export function useSession(session: Session): number {
  const [version, setVersion] = useState(session.version);
  useEffect(() => session.subscribe(() => setVersion(session.version)), [session]);
  return version;
}
