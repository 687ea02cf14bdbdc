/**
 * @module localFlags.test
 * What a wipe leaves in clear storage for the next holder of the laptop: only the flags the
 * signed-out screen reads, whatever other `hardline.*` keys this or an older version wrote.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearLocalFlags, WIPED_BY_LOCK } from '../src/session/localFlags.ts';

/** A Storage that lists its keys, as the browser's does. */
function storage(entries: Record<string, string>) {
  const m = new Map(Object.entries(entries));
  return {
    get length() {
      return m.size;
    },
    key: (i: number) => [...m.keys()][i] ?? null,
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    keys: () => [...m.keys()].sort(),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('clearing the local flags on a wipe', () => {
  it('removes every hardline.* key, listed or known, but the ones kept, and leaves other apps alone', () => {
    const s = storage({
      'hardline.signedOut': '1',
      [WIPED_BY_LOCK]: '1',
      'hardline.splitViewSeen': 't',
      'hardline.hopChangeKept': 'https://hop.example.net/ https://relay-hop.example.org/',
      'hardline.fromAnOlderVersion': 'x',
      'other-app.setting': 'y',
    });
    vi.stubGlobal('localStorage', s);
    clearLocalFlags(['hardline.splitViewSeen'], ['hardline.signedOut', WIPED_BY_LOCK]);
    expect(s.keys()).toEqual(['hardline.signedOut', WIPED_BY_LOCK, 'other-app.setting'].sort());
  });
});
