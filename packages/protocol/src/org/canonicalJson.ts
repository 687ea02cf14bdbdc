/**
 * @module org/canonicalJson
 * One byte string per JSON value (object keys sorted, no spaces), so a signature over an order's
 * body does not depend on how whoever stored or relayed it ordered the keys.
 */
import { ValidationError } from '../errors.ts';

export function canonicalJson(v: unknown, depth = 0): string {
  if (depth > 16) throw new ValidationError('order body is nested too deeply');
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ValidationError('order body holds a non-finite number');
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x, depth + 1)).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x, depth + 1)}`).join(',')}}`;
  }
  throw new ValidationError(`order body holds a ${typeof v}`);
}
