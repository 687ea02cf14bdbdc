/**
 * @module lock/useAppLock
 * The signed-in app's lock, made once per session; re-renders when it locks or unlocks.
 * Undefined while the lock record loads: the app shows nothing of the user's until then.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../session/session.ts';
import { AppLock } from './appLock.ts';

export function useAppLock(session: Session): AppLock | undefined {
  const [lock, setLock] = useState<AppLock | undefined>(undefined);
  const [, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    let made: AppLock | undefined;
    let unsubscribe: (() => void) | undefined;
    void AppLock.open(session).then((l) => {
      made = l;
      if (!live) return l.stop();
      unsubscribe = l.subscribe(() => setVersion((v) => v + 1));
      setLock(l);
    });
    return () => {
      live = false;
      unsubscribe?.();
      made?.stop();
    };
  }, [session]);
  return lock;
}
