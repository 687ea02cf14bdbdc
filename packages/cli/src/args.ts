/**
 * @module args
 * Argument parsing on node:util parseArgs, with unknown flags reported as usage errors.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HardlineError } from '@hardline/protocol';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HardlineError('USAGE', e instanceof Error ? e.message : String(e));
  }
}

export function requireString(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new HardlineError('USAGE', `missing ${name}`);
  return v;
}
