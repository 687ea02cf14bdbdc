/**
 * Long messages in parts (longText.ts): every part fits one message whatever the characters,
 * no surrogate pair is cut, the limit is named when passed, and the decoder refuses part fields
 * a hostile member could use to confuse reassembly.
 */
import { describe, expect, it } from 'vitest';
import { decodeAppMessage, encodeAppMessage, MAX_APP_MESSAGE_BYTES, MAX_MESSAGE_CHARS, MAX_TEXT_PARTS, textParts, ValidationError } from '../src/index.ts';

const base = { t: 'text' as const, id: 'abcd', sentAt: '2026-12-02T00:00:00.000Z' };

describe('textParts', () => {
  it('sends a short message as it is', () => {
    expect(textParts({ ...base, text: 'hi' })).toEqual([{ ...base, text: 'hi' }]);
  });

  it('splits a long message into parts that each encode within the limit and join back', () => {
    for (const unit of ['a', '👋', '"', '\u0001', 'ש']) {
      const text = unit.repeat(Math.floor(MAX_MESSAGE_CHARS / unit.length));
      const parts = textParts({ ...base, text });
      expect(parts.length).toBeGreaterThan(1);
      expect(parts.length).toBeLessThanOrEqual(MAX_TEXT_PARTS);
      for (const [i, p] of parts.entries()) {
        expect(p).toMatchObject({ part: i, parts: parts.length, id: base.id });
        expect(encodeAppMessage(p).length).toBeLessThanOrEqual(MAX_APP_MESSAGE_BYTES);
        // No part starts with the low half of a surrogate pair.
        const first = p.text.charCodeAt(0);
        expect(first >= 0xdc00 && first <= 0xdfff).toBe(false);
        expect(decodeAppMessage(encodeAppMessage(p))).toEqual(p);
      }
      expect(parts.map((p) => p.text).join('')).toBe(text);
    }
  });

  it('names the limit when a message passes it', () => {
    expect(() => textParts({ ...base, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) })).toThrow(ValidationError);
    expect(() => textParts({ ...base, text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) })).toThrow(/100,000/);
  });
});

describe('decodeAppMessage: part fields from a hostile member', () => {
  const bad = [
    { part: 0 },
    { parts: 3 },
    { part: 3, parts: 3 },
    { part: -1, parts: 3 },
    { part: 0, parts: 1 },
    { part: 0, parts: MAX_TEXT_PARTS + 1 },
    { part: 0.5, parts: 3 },
    { part: '0', parts: 3 },
  ];
  for (const fields of bad) {
    it(`refuses ${JSON.stringify(fields)}`, () => {
      const bytes = new TextEncoder().encode(JSON.stringify({ ...base, text: 'x', ...fields }));
      expect(() => decodeAppMessage(bytes)).toThrow(/invalid application message/);
    });
  }
});
