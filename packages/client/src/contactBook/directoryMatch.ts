/**
 * @module contactBook/directoryMatch
 * Links contact-book entries to org directory users by handle, published phone number or
 * published email. It runs on the device against the whole directory, which every device
 * fetches in full anyway: the relay never learns which numbers or names anyone looked for.
 */
import { toE164 } from '@hardline/protocol';
import type { DirectoryUser } from '../relayApi.ts';

export type DirectoryIndex = {
  readonly handles: ReadonlySet<string>;
  readonly byPhone: ReadonlyMap<string, string>;
  readonly byEmail: ReadonlyMap<string, string>;
};

/** Indexes what users published. `self` is left out: linking to oneself helps nobody. */
export function indexDirectory(users: readonly DirectoryUser[], self: string, country: string): DirectoryIndex {
  const handles = new Set<string>();
  const byPhone = new Map<string, string>();
  const byEmail = new Map<string, string>();
  for (const u of users) {
    if (u.handle === self || u.devices.every((d) => d.revoked)) continue;
    handles.add(u.handle);
    const phone = u.phone && toE164(u.phone, country);
    if (phone) byPhone.set(phone, u.handle);
    if (u.email) byEmail.set(u.email.trim().toLowerCase(), u.handle);
  }
  return { handles, byPhone, byEmail };
}

/** The handle an entry belongs to, or undefined when it is "not on Hardline yet". */
export function matchEntry(
  e: { readonly phones: readonly string[]; readonly emails: readonly string[]; readonly hardlineHandle?: string },
  index: DirectoryIndex,
  country: string,
): string | undefined {
  if (e.hardlineHandle && index.handles.has(e.hardlineHandle)) return e.hardlineHandle;
  for (const p of e.phones) {
    const n = toE164(p, country);
    const h = n && index.byPhone.get(n);
    if (h) return h;
  }
  for (const m of e.emails) {
    const h = index.byEmail.get(m.trim().toLowerCase());
    if (h) return h;
  }
  return undefined;
}
