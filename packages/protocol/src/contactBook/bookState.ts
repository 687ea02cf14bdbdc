/**
 * @module contactBook/bookState
 * The contact book as a state-based CRDT, so that two of a user's devices can edit offline and
 * merge without losing either edit. Each contact field is a last-writer-wins register stamped
 * with a hybrid logical clock; a deletion is a tombstone stamp that hides every register written
 * at or before it. `mergeBooks` is commutative, associative and idempotent (a join on a
 * semilattice), so devices converge whatever order blobs and edits arrive in.
 *
 * Registers hidden by a tombstone are dropped, not kept: a deleted contact's name and numbers
 * must not live on inside every future blob. Dropping commutes with the join because a
 * tombstone only ever grows, so what one side dropped the joined side would drop too.
 *
 * Every operation returns a new state; inputs are never changed in place.
 */
import { ValidationError } from '../errors.ts';
import { CONTACT_FIELDS, fieldProblem, type Contact, type ContactField, type ContactPatch, type FieldValue } from './contact.ts';
import { compareHlc, HLC_ZERO, maxHlc, type Hlc } from './hybridClock.ts';

export type Register<V> = { readonly v: V; readonly at: Hlc };

export type ContactFields = { readonly [F in ContactField]?: Register<FieldValue<F>> };

export type ContactRecord = {
  readonly fields: ContactFields;
  /** Tombstone: hides every register stamped at or before it. */
  readonly deletedAt?: Hlc;
};

export type BookState = { readonly records: Readonly<Record<string, ContactRecord>> };

export const EMPTY_BOOK: BookState = { records: {} };

/** Last writer wins; equal stamps (only possible from a buggy or cloned device) fall back to the value, so the result is still the same on every side. */
function pickRegister<V>(a: Register<V> | undefined, b: Register<V> | undefined): Register<V> | undefined {
  if (!a) return b;
  if (!b) return a;
  const c = compareHlc(a.at, b.at);
  if (c !== 0) return c > 0 ? a : b;
  return JSON.stringify(a.v) >= JSON.stringify(b.v) ? a : b;
}

export function normaliseRecord(fields: ContactFields, deletedAt: Hlc | undefined): ContactRecord {
  if (!deletedAt) return { fields };
  const kept: Record<string, Register<unknown>> = {};
  for (const f of CONTACT_FIELDS) {
    const r = fields[f];
    if (r && compareHlc(r.at, deletedAt) > 0) kept[f] = r;
  }
  return { fields: kept as ContactFields, deletedAt };
}

function mergeRecords(a: ContactRecord | undefined, b: ContactRecord | undefined): ContactRecord {
  if (!a) return b!;
  if (!b) return a;
  const fields: Record<string, Register<unknown> | undefined> = {};
  for (const f of CONTACT_FIELDS) {
    const r = pickRegister<unknown>(a.fields[f], b.fields[f]);
    if (r) fields[f] = r;
  }
  const deletedAt = a.deletedAt && b.deletedAt ? maxHlc(a.deletedAt, b.deletedAt) : (a.deletedAt ?? b.deletedAt);
  return normaliseRecord(fields as ContactFields, deletedAt);
}

export function mergeBooks(a: BookState, b: BookState): BookState {
  if (a === b) return a;
  const records: Record<string, ContactRecord> = { ...a.records };
  for (const [id, rb] of Object.entries(b.records)) records[id] = mergeRecords(records[id], rb);
  return { records };
}

/** Sets the patched fields at stamp `at`. Unknown contacts are created. Throws VALIDATION on a bad value. */
export function applyPatch(state: BookState, id: string, patch: ContactPatch, at: Hlc): BookState {
  return { records: { ...state.records, [id]: patchRecord(state.records[id], patch, at) } };
}

export type BookEdit = { readonly id: string; readonly patch: ContactPatch; readonly at: Hlc };

/** Many patches at once (an import): one copy of the record map instead of one per patch. */
export function applyPatches(state: BookState, edits: readonly BookEdit[]): BookState {
  const records: Record<string, ContactRecord> = { ...state.records };
  for (const e of edits) records[e.id] = patchRecord(records[e.id], e.patch, e.at);
  return { records };
}

function patchRecord(prev: ContactRecord | undefined, patch: ContactPatch, at: Hlc): ContactRecord {
  const fields: Record<string, Register<unknown> | undefined> = { ...(prev?.fields ?? {}) };
  for (const f of CONTACT_FIELDS) {
    const v = patch[f];
    if (v === undefined) continue;
    const problem = fieldProblem(f, v);
    if (problem) throw new ValidationError(problem);
    fields[f] = pickRegister<unknown>(fields[f], { v: Array.isArray(v) ? [...v] : v, at });
  }
  return normaliseRecord(fields as ContactFields, prev?.deletedAt);
}

export function deleteContact(state: BookState, id: string, at: Hlc): BookState {
  const prev = state.records[id];
  const deletedAt = prev?.deletedAt ? maxHlc(prev.deletedAt, at) : at;
  return { records: { ...state.records, [id]: normaliseRecord(prev?.fields ?? {}, deletedAt) } };
}

/** The contact as the app shows it, or undefined when deleted (or never written). */
export function contactOf(state: BookState, id: string): Contact | undefined {
  const r = state.records[id];
  if (!r) return undefined;
  const f = r.fields;
  if (!CONTACT_FIELDS.some((k) => f[k] !== undefined)) return undefined;
  const handle = f.hardlineHandle?.v;
  const contacted = f.lastContactedAt?.v;
  return {
    id,
    // A contact resurrected by an edit made after a concurrent deletion keeps only the fields
    // written after it; the rest read as empty rather than reappearing from the tombstone.
    name: f.name?.v ?? '',
    phones: f.phones?.v ?? [],
    emails: f.emails?.v ?? [],
    notes: f.notes?.v ?? '',
    favourite: f.favourite?.v ?? false,
    ...(handle ? { hardlineHandle: handle } : {}),
    ...(contacted ? { lastContactedAt: contacted } : {}),
  };
}

export function liveContacts(state: BookState): Contact[] {
  const out: Contact[] = [];
  for (const id of Object.keys(state.records)) {
    const c = contactOf(state, id);
    if (c) out.push(c);
  }
  return out;
}

/** The greatest stamp in the state: a device's clock must move past it after a merge. */
export function latestStamp(state: BookState): Hlc {
  let m = HLC_ZERO;
  for (const r of Object.values(state.records)) {
    if (r.deletedAt) m = maxHlc(m, r.deletedAt);
    for (const f of CONTACT_FIELDS) {
      const reg = r.fields[f];
      if (reg) m = maxHlc(m, reg.at);
    }
  }
  return m;
}
