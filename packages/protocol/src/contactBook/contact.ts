/**
 * @module contactBook/contact
 * One entry of a user's private contact book, as the app shows it, and the bounds every field
 * must keep. The book never leaves the user's devices except encrypted (bookBlob.ts).
 */

export type Contact = {
  /** 16 random bytes, hex. */
  readonly id: string;
  readonly name: string;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly notes: string;
  readonly favourite: boolean;
  /** Set when the entry matched an org directory user (by handle, published phone or email). */
  readonly hardlineHandle?: string;
  /** ISO 8601. */
  readonly lastContactedAt?: string;
};

/** What a caller may change; `id` is assigned on creation. */
export type ContactPatch = {
  readonly name?: string;
  readonly phones?: readonly string[];
  readonly emails?: readonly string[];
  readonly notes?: string;
  readonly favourite?: boolean;
  /** null clears the link. */
  readonly hardlineHandle?: string | null;
  readonly lastContactedAt?: string | null;
};

/** The fields, each merged as its own last-writer-wins register. */
export const CONTACT_FIELDS = ['name', 'phones', 'emails', 'notes', 'favourite', 'hardlineHandle', 'lastContactedAt'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** Register values: lists and strings as written, `null` for a cleared optional field. */
export type FieldValue<F extends ContactField> = F extends 'phones' | 'emails'
  ? readonly string[]
  : F extends 'favourite'
    ? boolean
    : F extends 'hardlineHandle' | 'lastContactedAt'
      ? string | null
      : string;

export const ContactLimits = {
  /** Live contacts in one book. */
  MAX_CONTACTS: 10_000,
  /** Live contacts plus tombstones: deletions are remembered so that they merge. */
  MAX_RECORDS: 20_000,
  MAX_NAME_CHARS: 256,
  MAX_PHONES: 20,
  MAX_PHONE_CHARS: 64,
  MAX_EMAILS: 20,
  MAX_EMAIL_CHARS: 254,
  MAX_NOTES_CHARS: 8_000,
  MAX_HANDLE_CHARS: 32,
} as const;

export const CONTACT_ID_RE = /^[0-9a-f]{32}$/;
const HANDLE_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** Why a value is out of bounds, or undefined when it is fine. */
export function fieldProblem(field: ContactField, v: unknown): string | undefined {
  const L = ContactLimits;
  const str = (max: number) => (typeof v === 'string' && v.length <= max ? undefined : `${field} must be a string of at most ${max} characters`);
  const list = (maxItems: number, maxChars: number) =>
    Array.isArray(v) && v.length <= maxItems && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= maxChars)
      ? undefined
      : `${field} must be at most ${maxItems} non-empty strings of at most ${maxChars} characters`;
  switch (field) {
    case 'name':
      return str(L.MAX_NAME_CHARS);
    case 'notes':
      return str(L.MAX_NOTES_CHARS);
    case 'phones':
      return list(L.MAX_PHONES, L.MAX_PHONE_CHARS);
    case 'emails':
      return list(L.MAX_EMAILS, L.MAX_EMAIL_CHARS);
    case 'favourite':
      return typeof v === 'boolean' ? undefined : 'favourite must be a boolean';
    case 'hardlineHandle':
      return v === null || (typeof v === 'string' && HANDLE_RE.test(v)) ? undefined : 'hardlineHandle must be a handle or null';
    case 'lastContactedAt':
      return v === null || (typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v))) ? undefined : 'lastContactedAt must be an ISO date or null';
  }
}
