/**
 * @module xmlEntities
 * Decodes the five predefined XML entities and numeric character references in attribute
 * values. Anything else is malformed: Android exports never declare their own entities.
 */
import { ExposureError } from '../exposureError.ts';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&([^;\s&]{0,10})(;?)/g, (_, ref: string, semi: string) => {
    if (semi === '') throw new ExposureError('PARSE', `bare '&' in an XML attribute value`);
    if (Object.hasOwn(NAMED, ref)) return NAMED[ref] as string;
    const m = /^#(?:x([0-9a-f]{1,6})|(\d{1,7}))$/i.exec(ref);
    const code = m === null ? NaN : m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    if (!Number.isInteger(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new ExposureError('PARSE', `unknown XML entity &${ref};`);
    }
    return String.fromCodePoint(code);
  });
}
