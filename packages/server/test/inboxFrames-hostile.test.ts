/**
 * @module inboxFrames-hostile.test
 * The frames a reader may send on `WS /v1/inbox` (server/src/ws/inboxMessages.ts), each bound
 * at its exact edge and each shape a hostile reader could try instead: anything that is not one
 * of the three frames is a DecodeError (closing the socket 4400), a list one item too long is a
 * TooLargeError, and nothing is accepted that is only valid once stringified.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError, TooLargeError } from '@hardline/protocol';
import { MAX_ACK_ITEMS, MAX_INBOX_FRAME, MAX_SUBSCRIBE_ITEMS, parseInboxMessage } from '../src/ws/inboxMessages.ts';

const ID = 'aa'.repeat(16);
const ID2 = 'bb'.repeat(16);
const CAP_HEX = 'cd'.repeat(32);
const CAP_B64 = Buffer.from(CAP_HEX, 'hex').toString('base64url');
const frame = (v: unknown): string => JSON.stringify(v);

const decodeFails = (text: string) => expect(() => parseInboxMessage(text)).toThrow(DecodeError);

describe('inbox frames', () => {
  it('bounds: 1 MiB a frame, 10,000 items a list', () => {
    expect(MAX_INBOX_FRAME).toBe(1 << 20);
    expect(MAX_SUBSCRIBE_ITEMS).toBe(10_000);
    expect(MAX_ACK_ITEMS).toBe(10_000);
  });

  it('refuses anything that is not a JSON object', () => {
    for (const t of ['', 'not json', '{', 'null', '[]', '[{"type":"auth","token":"t"}]', '1', '"auth"', 'true']) decodeFails(t);
  });

  it('refuses an unknown or missing type, whatever else it carries', () => {
    for (const v of [{}, { type: 'AUTH', token: 't' }, { type: 'subscribe ' }, { type: ['ack'], items: [] }, { type: null }, { type: 'drained' }]) decodeFails(frame(v));
  });

  describe('auth', () => {
    it('takes a token of up to 256 characters, and only a string', () => {
      expect(parseInboxMessage(frame({ type: 'auth', token: 't'.repeat(256) }))).toEqual({ type: 'auth', token: 't'.repeat(256) });
      expect(parseInboxMessage(frame({ type: 'auth', token: '' }))).toEqual({ type: 'auth', token: '' });
      decodeFails(frame({ type: 'auth', token: 't'.repeat(257) }));
      for (const token of [undefined, null, 5, ['tok'], { t: 1 }]) decodeFails(frame({ type: 'auth', token }));
    });

    it('returns only the type and the token', () => {
      expect(parseInboxMessage(frame({ type: 'auth', token: 'x', mailboxes: [], admin: true }))).toEqual({ type: 'auth', token: 'x' });
    });
  });

  describe('subscribe', () => {
    it('reads ids and read capabilities, hex or base64url', () => {
      const m = parseInboxMessage(frame({ type: 'subscribe', mailboxes: [{ id: ID, readCap: CAP_HEX }, { id: ID2, readCap: CAP_B64 }] }));
      expect(m).toEqual({
        type: 'subscribe',
        mailboxes: [
          { id: ID, readCap: Buffer.from(CAP_HEX, 'hex') },
          { id: ID2, readCap: Buffer.from(CAP_HEX, 'hex') },
        ],
      });
      expect(parseInboxMessage(frame({ type: 'subscribe', mailboxes: [] }))).toEqual({ type: 'subscribe', mailboxes: [] });
    });

    it('takes exactly 10,000 mailboxes, and refuses one more as too large', () => {
      const item = { id: ID, readCap: CAP_HEX };
      const ok = parseInboxMessage(frame({ type: 'subscribe', mailboxes: Array(MAX_SUBSCRIBE_ITEMS).fill(item) }));
      expect(ok.type === 'subscribe' && ok.mailboxes.length).toBe(MAX_SUBSCRIBE_ITEMS);
      expect(() => parseInboxMessage(frame({ type: 'subscribe', mailboxes: Array(MAX_SUBSCRIBE_ITEMS + 1).fill(item) }))).toThrow(TooLargeError);
    });

    it('refuses a list that is not an array, items that are not objects, bad ids and capabilities', () => {
      for (const mailboxes of [undefined, null, {}, { 0: { id: ID, readCap: CAP_HEX }, length: 1 }, ID]) decodeFails(frame({ type: 'subscribe', mailboxes }));
      for (const item of [null, 5, ID, [ID, CAP_HEX], { id: ID }, { readCap: CAP_HEX }, { id: ID.toUpperCase(), readCap: CAP_HEX }, { id: ID, readCap: CAP_HEX.slice(2) }]) {
        decodeFails(frame({ type: 'subscribe', mailboxes: [{ id: ID2, readCap: CAP_HEX }, item] }));
      }
    });
  });

  describe('ack', () => {
    it('reads [mailboxId, envelopeId] pairs', () => {
      expect(parseInboxMessage(frame({ type: 'ack', items: [[ID, ID2]] }))).toEqual({ type: 'ack', items: [[ID, ID2]] });
      expect(parseInboxMessage(frame({ type: 'ack', items: [] }))).toEqual({ type: 'ack', items: [] });
    });

    it('takes exactly 10,000 items, and refuses one more as too large', () => {
      const ok = parseInboxMessage(frame({ type: 'ack', items: Array(MAX_ACK_ITEMS).fill([ID, ID2]) }));
      expect(ok.type === 'ack' && ok.items.length).toBe(MAX_ACK_ITEMS);
      expect(() => parseInboxMessage(frame({ type: 'ack', items: Array(MAX_ACK_ITEMS + 1).fill([ID, ID2]) }))).toThrow(TooLargeError);
    });

    it('refuses items that are not exact pairs of ids', () => {
      for (const items of [undefined, null, {}, `${ID},${ID2}`]) decodeFails(frame({ type: 'ack', items }));
      for (const item of [[ID], [ID, ID2, ID], { 0: ID, 1: ID2, length: 2 }, `${ID}${ID2}`, [ID, null], [null, ID2], [ID, ID2.toUpperCase()], [[ID], ID2]]) {
        decodeFails(frame({ type: 'ack', items: [[ID, ID2], item] }));
      }
    });
  });
});
