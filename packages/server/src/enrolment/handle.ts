/**
 * @module handle
 * Org handles: lower case, 2 to 32 characters, starting with a letter or digit.
 */
import { ValidationError, type Handle } from '@hardline/protocol';

const HANDLE_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export function parseHandle(value: unknown): Handle {
  if (typeof value !== 'string' || !HANDLE_RE.test(value)) {
    throw new ValidationError('handle must match ^[a-z0-9][a-z0-9._-]{1,31}$');
  }
  return value as Handle;
}
