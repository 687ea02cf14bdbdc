/**
 * @module session/localFlags
 * The app's few flags in localStorage (`hardline.*`), which is not sealed and survives the
 * wipe of the sealed stores. A wipe or sign-out removes all of them but those the signed-out
 * screen reads to say what happened (`hardline.signedOut`, `hardline.wipedByLock`): whatever
 * else stayed would tell the next holder of the laptop something about this person.
 */
const PREFIX = 'hardline.';

/** Set by the app lock's wipe after failed unlocks (lock/appLock.ts), for the signed-out screen. */
export const WIPED_BY_LOCK = 'hardline.wipedByLock';

/** Removes every `hardline.*` key but `keep`: the ones named, and any other the storage lists. */
export function clearLocalFlags(known: readonly string[], keep: readonly string[]): void {
  const names = new Set(known);
  // A real Storage lists its keys; keys from older versions are found this way too.
  const store = localStorage as Partial<Storage>;
  if (typeof store.length === 'number' && typeof store.key === 'function') {
    for (let i = 0; i < store.length; i++) {
      const name = store.key(i);
      if (name?.startsWith(PREFIX)) names.add(name);
    }
  }
  for (const name of names) if (!keep.includes(name)) localStorage.removeItem(name);
}
