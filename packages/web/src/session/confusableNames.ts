/**
 * @module session/confusableNames
 * Display names are labels anyone can choose; the handle is the identity. Where two people's
 * names look alike (equal once Unicode-normalised, case-folded, stripped of accents and spacing),
 * or a name looks like someone else's handle, the app shows the handle beside the name, so
 * "Alice" cannot pass for "alice". The relay already refuses bidi controls and invisible
 * characters in names (protocol displayName.ts); this covers what is left: look-alikes.
 */

/** The form two names are compared in. */
export function nameSkeleton(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._-]+/g, '')
    // Digits and letters that are commonly swapped to impersonate.
    .replace(/0/g, 'o')
    .replace(/[1l|]/g, 'i');
}

/** Handles whose shown name needs the handle beside it. */
export function confusableHandles(people: readonly { handle: string; name: string }[]): Set<string> {
  const byName = new Map<string, string[]>();
  for (const p of people) {
    const k = nameSkeleton(p.name);
    byName.set(k, [...(byName.get(k) ?? []), p.handle]);
  }
  const handles = new Map(people.map((p) => [nameSkeleton(p.handle), p.handle] as const));
  const out = new Set<string>();
  for (const p of people) {
    const k = nameSkeleton(p.name);
    if ((byName.get(k)?.length ?? 0) > 1) out.add(p.handle);
    const owner = handles.get(k);
    if (owner !== undefined && owner !== p.handle) out.add(p.handle);
  }
  return out;
}
