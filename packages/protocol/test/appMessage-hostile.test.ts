/**
 * decodeAppMessage from a hostile member's side: every field of every control message at its
 * edge. The valid value one step inside the bound decodes to exactly what was sent (nothing
 * added, nothing dropped); one step outside, or the wrong type, is a DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { decodeAppMessage, MAX_BOOK_KEY_GENERATION, MAX_TIMER_SECONDS } from '../src/index.ts';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const at = '2026-11-28T10:00:00.000Z';
const id64 = 'i'.repeat(64);

const valid: Record<string, unknown>[] = [
  { t: 'book-key', id: id64, key: 'ab'.repeat(32), generation: 1, sentAt: at },
  { t: 'book-key', id: 'k', key: '0'.repeat(64), generation: MAX_BOOK_KEY_GENERATION, sentAt: at },
  { t: 'receipt', id: id64, ids: [], sentAt: at },
  { t: 'receipt', id: 'r', ids: Array.from({ length: 1000 }, (_, i) => `m${i}`), sentAt: at },
  { t: 'timer', id: 't', seconds: 0, sentAt: at },
  { t: 'timer', id: 't', seconds: MAX_TIMER_SECONDS, sentAt: at },
  { t: 'call', id: 'c', callId: id64, op: 'ring', sentAt: at },
  { t: 'call', id: 'c', callId: 'x', op: 'offer', sdp: 's'.repeat(20_000), candidate: 'c'.repeat(2_000), to: id64, sentAt: at },
];

const invalid: [string, Record<string, unknown>][] = [
  ['book-key id too long', { ...valid[0], id: `${id64}x` }],
  ['book-key id not a string', { ...valid[0], id: 7 }],
  ['book-key key not hex', { ...valid[0], key: 'AB'.repeat(32) }],
  ['book-key key short', { ...valid[0], key: 'ab'.repeat(31) }],
  ['book-key key long', { ...valid[0], key: 'ab'.repeat(33) }],
  ['book-key key with a prefix', { ...valid[0], key: `x${'ab'.repeat(32)}` }],
  ['book-key generation 0', { ...valid[0], generation: 0 }],
  ['book-key generation over', { ...valid[0], generation: MAX_BOOK_KEY_GENERATION + 1 }],
  ['book-key generation fractional', { ...valid[0], generation: 1.5 }],
  ['book-key sentAt not a date', { ...valid[0], sentAt: 'yesterday' }],
  ['book-key sentAt missing', { ...valid[0], sentAt: undefined }],
  ['control id empty', { ...valid[2], id: '' }],
  ['control id too long', { ...valid[2], id: `${id64}x` }],
  ['control sentAt too long', { ...valid[2], sentAt: `${at}${' '.repeat(20)}` }],
  ['control sentAt not a date', { ...valid[2], sentAt: 'soon' }],
  ['receipt ids not an array', { ...valid[2], ids: 'm1' }],
  ['receipt 1001 ids', { ...valid[3], ids: Array.from({ length: 1001 }, (_, i) => `m${i}`) }],
  ['receipt an empty id', { ...valid[2], ids: ['m1', ''] }],
  ['timer negative', { ...valid[4], seconds: -1 }],
  ['timer over a year', { ...valid[4], seconds: MAX_TIMER_SECONDS + 1 }],
  ['timer fractional', { ...valid[4], seconds: 0.5 }],
  ['call unknown op', { ...valid[6], op: 'eavesdrop' }],
  ['call callId empty', { ...valid[6], callId: '' }],
  ['call sdp too long', { ...valid[7], sdp: 's'.repeat(20_001) }],
  ['call sdp not a string', { ...valid[7], sdp: 1 }],
  ['call candidate too long', { ...valid[7], candidate: 'c'.repeat(2_001) }],
  ['call candidate not a string', { ...valid[7], candidate: {} }],
  ['call to empty', { ...valid[7], to: '' }],
];

describe('decodeAppMessage: controls from a hostile member', () => {
  it('decodes each valid control to exactly what was sent', () => {
    for (const m of valid) expect(decodeAppMessage(bytes(m)), String(m.t)).toEqual(m);
  });

  it('drops fields a message kind does not have', () => {
    expect(decodeAppMessage(bytes({ ...valid[0], extra: 1 }))).toEqual(valid[0]);
    expect(decodeAppMessage(bytes({ ...valid[4], ids: ['x'] }))).toEqual(valid[4]);
    expect(decodeAppMessage(bytes({ ...valid[6], seconds: 3 }))).toEqual(valid[6]);
  });

  it.each(invalid)('refuses %s', (_, m) => {
    expect(() => decodeAppMessage(bytes(m))).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});
