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
    const [head, tail] = JSON.stringify({ ...base, text: '@' }).split('@') as [string, string];
    const enc = (x: string) => new TextEncoder().encode(x);
    expect(() => decodeAppMessage(new Uint8Array([...enc(head), 0xc3, ...enc(tail)])), 'a cut UTF-8 sequence in the text').toThrow(expect.objectContaining({ code: 'DECODE' }));
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
    const exact = { t: 'call', id: 'c', callId: 'x', op: 'offer', sdp: '', sentAt: base.sentAt };
    const room = MAX_APP_MESSAGE_BYTES - bytes(exact).length;
    expect(encodeAppMessage({ ...exact, sdp: 's'.repeat(room) } as never)).toHaveLength(MAX_APP_MESSAGE_BYTES);
    const big = { t: 'call', id: 'c', callId: 'x', op: 'offer', sdp: 's'.repeat(20_000), sentAt: base.sentAt };
    expect(() => encodeAppMessage({ ...big, sdp: 's'.repeat(MAX_APP_MESSAGE_BYTES) } as never)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(decodeAppMessage(encodeAppMessage(big as never))).toEqual(big);
  });

  it('bounds a control\'s time by its length, not only by whether it parses', () => {
    const at = (digits: number) => `2026-11-28T10:00:00.${'0'.repeat(digits)}Z`;
    const receipt = { t: 'receipt', id: 'r', ids: ['m1'], sentAt: at(19) };
    expect(receipt.sentAt).toHaveLength(40);
    expect(decodeAppMessage(bytes(receipt))).toEqual(receipt);
    expect(Number.isNaN(Date.parse(at(20)))).toBe(false);
    expect(() => decodeAppMessage(bytes({ ...receipt, sentAt: at(20) }))).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });

  it('a receipt or timer that fails its own rules is not read as a call', () => {
    const call = { callId: 'c1', op: 'ring' };
    for (const m of [{ t: 'receipt', id: 'r', ids: 'm1', sentAt: base.sentAt, ...call }, { t: 'timer', id: 't', seconds: -1, sentAt: base.sentAt, ...call }]) {
      expect(() => decodeAppMessage(bytes(m)), m.t).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
  });

  it('a call without sdp, candidate or target decodes with no such keys at all', () => {
    const ring = decodeAppMessage(bytes({ t: 'call', id: 'c', callId: 'c1', op: 'ring', sentAt: base.sentAt }));
    expect(Object.keys(ring).sort()).toEqual(['callId', 'id', 'op', 'sentAt', 't']);
  });
});
