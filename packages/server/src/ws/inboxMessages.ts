/**
 * @module inboxMessages
 * Parser for the JSON text frames a reader sends on `WS /v1/inbox` (spec §6). Anything else
 * is a DECODE error, which closes the socket with 4400.
 */
import { DecodeError, TooLargeError, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import { parseBytes32, parseEnvelopeId, parseMailboxId } from '../capabilityBytes.ts';

export const MAX_INBOX_FRAME = 1 << 20;
/** Per message; a device with more mailboxes subscribes in several messages. */
export const MAX_SUBSCRIBE_ITEMS = 10_000;
export const MAX_ACK_ITEMS = 10_000;

export type InboxMessage =
  | { readonly type: 'auth'; readonly token: string }
  | { readonly type: 'subscribe'; readonly mailboxes: readonly { readonly id: MailboxId; readonly readCap: Buffer }[] }
  | { readonly type: 'ack'; readonly items: readonly (readonly [MailboxId, EnvelopeId])[] };

export function parseInboxMessage(text: string): InboxMessage {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DecodeError('inbox frame is not JSON', { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecodeError('inbox frame must be a JSON object');
  const o = v as Record<string, unknown>;
  switch (o.type) {
    case 'auth':
      if (typeof o.token !== 'string' || o.token.length > 256) throw new DecodeError('auth needs a token');
      return { type: 'auth', token: o.token };
    case 'subscribe': {
      if (!Array.isArray(o.mailboxes)) throw new DecodeError('subscribe needs mailboxes');
      if (o.mailboxes.length > MAX_SUBSCRIBE_ITEMS) throw new TooLargeError('subscribe list', o.mailboxes.length, MAX_SUBSCRIBE_ITEMS);
      const mailboxes = o.mailboxes.map((m: unknown) => {
        if (typeof m !== 'object' || m === null) throw new DecodeError('subscribe item must be an object');
        const item = m as Record<string, unknown>;
        return { id: parseMailboxId(item.id), readCap: parseBytes32(item.readCap, 'readCap') };
      });
      return { type: 'subscribe', mailboxes };
    }
    case 'ack': {
      if (!Array.isArray(o.items)) throw new DecodeError('ack needs items');
      if (o.items.length > MAX_ACK_ITEMS) throw new TooLargeError('ack list', o.items.length, MAX_ACK_ITEMS);
      const items = o.items.map((it: unknown) => {
        if (!Array.isArray(it) || it.length !== 2) throw new DecodeError('ack item must be [mailboxId, envelopeId]');
        return [parseMailboxId(it[0]), parseEnvelopeId(it[1])] as const;
      });
      return { type: 'ack', items };
    }
    default:
      throw new DecodeError('unknown inbox frame type');
  }
}
