/**
 * decodeAppMessage on chat text from a hostile member (the controls are in
 * appMessage-hostile.test.ts): each field one step inside its bound decodes unchanged, one step
 * outside or of the wrong type is a DecodeError; so are bytes that are not UTF-8 JSON of an
 * object, and a message over the size bound is refused before it is parsed.
 */
import { describe, expect, it } from 'vitest';
import { decodeAppMessage, encodeAppMessage, MAX_APP_MESSAGE_BYTES, MAX_TEXT_CHARS, MAX_TEXT_PARTS } from '../src/index.ts';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const base = { t: 'text', id: 'i'.repeat(64), text: 'x'.repeat(MAX_TEXT_CHARS), sentAt: '2026-11-28T10:00:00.000Z' };

describe('decodeAppMessage: text from a hostile member', () => {
  it('decodes text at every bound unchanged', () => {
    for (const m of [base, { ...base, text: '' }, { ...base, part: 0, parts: 2 }, { ...base, part: MAX_TEXT_PARTS - 1, parts: MAX_TEXT_PARTS }]) {
      expect(decodeAppMessage(bytes(m))).toEqual(m);
    }
  });

  it.each([
    ['id over 64', { ...base, id: 'i'.repeat(65) }],
    ['id not a string', { ...base, id: 1 }],
    ['text over the limit', { ...base, text: 'x'.repeat(MAX_TEXT_CHARS + 1) }],
    ['text not a string', { ...base, text: ['x'] }],
    ['sentAt not a date', { ...base, sentAt: 'noon' }],
    ['sentAt not a string', { ...base, sentAt: 1_700_000_000_000 }],
    ['another t', { ...base, t: 'Text' }],
    ['no t', { ...base, t: undefined }],
    ['part without parts', { ...base, part: 0 }],
    ['part equal to parts', { ...base, part: 2, parts: 2 }],
    ['parts over the limit', { ...base, part: 0, parts: MAX_TEXT_PARTS + 1 }],
    ['a malformed tree head', { ...base, th: { v: 1 } }],
    ['a malformed log key', { ...base, lk: 'not a key' }],
  ])('refuses %s', (_, m) => {
    expect(() => decodeAppMessage(bytes(m))).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });

  it('refuses JSON that is not an object, and bytes that are not UTF-8 JSON', () => {
    for (const v of [null, 1, 'text', [], [base]]) expect(() => decodeAppMessage(bytes(v)), JSON.stringify(v)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    for (const b of [new Uint8Array([0xff, 0xfe]), new TextEncoder().encode('{"t":"text"'), new Uint8Array(0)]) {
      expect(() => decodeAppMessage(b)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
  });

  it('refuses a message over the size bound on both sides, and takes one at it', () => {
    const at = (n: number) => {
      const shell = bytes({ ...base, text: '' }).length;
      return new TextEncoder().encode(JSON.stringify({ ...base, text: '' }).replace('"text":""', `"text":"${'x'.repeat(n - shell)}"`));
    };
    expect(() => decodeAppMessage(at(MAX_APP_MESSAGE_BYTES + 1))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    // At the byte bound the text is over its character bound: refused, but as DECODE, after parsing.
    expect(() => decodeAppMessage(at(MAX_APP_MESSAGE_BYTES))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    const big = { t: 'call', id: 'c', callId: 'x', op: 'offer', sdp: 's'.repeat(20_000), sentAt: base.sentAt };
    expect(() => encodeAppMessage({ ...big, sdp: 's'.repeat(MAX_APP_MESSAGE_BYTES) } as never)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(decodeAppMessage(encodeAppMessage(big as never))).toEqual(big);
  });
});
