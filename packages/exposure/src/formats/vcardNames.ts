/**
 * @module vcardNames
 * A vCard (.vcf) address book read from a file, to put names to numbers (vcardText.ts parses it).
 */
import { readFileSync, statSync } from 'node:fs';
import { ExposureError } from '../exposureError.ts';
import { MAX_VCARD_BYTES, parseVcardNames } from './vcardText.ts';
import type { NameBook } from './vcardText.ts';

export { parseVcardNames, MAX_VCARD_BYTES } from './vcardText.ts';
export type { NameBook } from './vcardText.ts';

export function readVcardNames(path: string, country: string): NameBook {
  const size = statSync(path).size;
  if (size > MAX_VCARD_BYTES) throw new ExposureError('TOO_LARGE', `${path}: ${size} bytes is more than the ${MAX_VCARD_BYTES}-byte limit for a vCard file`);
  return parseVcardNames(readFileSync(path, 'utf8'), country, path);
}
