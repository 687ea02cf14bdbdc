/**
 * @module logArgument
 * Reads a command-line log argument: `path`, `label=path` or `label@number=path`. The number is
 * the person's own, which is what ties an adviser's log to the principal's. A path that exists
 * as written always wins, so a file whose name contains '=' still works.
 */
import { existsSync } from 'node:fs';
import { ExposureError } from './exposureError.ts';

export type LogArgument = {
  readonly path: string;
  readonly label?: string | undefined;
  /** The person's own number as written; normalised later with the report's country. */
  readonly owner?: string | undefined;
};

export function parseLogArgument(arg: string): LogArgument {
  const eq = arg.indexOf('=');
  if (eq <= 0 || existsSync(arg)) return { path: arg };
  const spec = arg.slice(0, eq);
  const path = arg.slice(eq + 1);
  if (spec.includes('/') || spec.includes('\\')) return { path: arg };
  if (path === '') throw new ExposureError('USAGE', `"${arg}": no file after '='`);
  const at = spec.indexOf('@');
  const label = (at < 0 ? spec : spec.slice(0, at)).trim();
  const owner = at < 0 ? undefined : spec.slice(at + 1).trim();
  if (label === '') throw new ExposureError('USAGE', `"${arg}": empty label before '='`);
  if (owner === '') throw new ExposureError('USAGE', `"${arg}": empty number after '@'`);
  return { path, label, owner };
}
