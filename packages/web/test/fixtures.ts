/**
 * Conversations as the engine stores them, built by hand for the web app's pure logic.
 */
import type { Conversation, ReceivedControl, StoredMessage } from '@hardline/client';
import type { ConversationControl, DeviceId, Handle, MailboxId } from '@hardline/protocol';

let n = 0;

export function msg(from: string, text: string, at = '2026-11-28T10:00:00.000Z'): StoredMessage {
  n++;
  return { id: `m${n}`, from: from as Handle, text, sentAt: at, receivedAt: at, shown: true };
}

export function conv(kind: 'direct' | 'group' | 'self', members: string[], messages: StoredMessage[], name = ''): Conversation {
  n++;
  return {
    id: `c${n}`,
    roster: { v: 1, kind, name, members: members as Handle[], devices: [], sealSecrets: [] },
    mlsState: '',
    mailbox: { id: `${n}`.padStart(32, '0') as MailboxId, readCap: '' },
    pending: [],
    messages,
    left: false,
  };
}

export function control(from: string, message: ConversationControl, at = '2026-11-28T10:00:00.000Z'): ReceivedControl {
  return { conversation: '', from: from as Handle, fromDevice: '0'.repeat(32) as DeviceId, message, receivedAt: at };
}

export function receipt(ids: string[]): ConversationControl {
  n++;
  return { t: 'receipt', id: `r${n}`, ids, sentAt: '2026-11-28T10:00:00.000Z' };
}

export function timer(seconds: number, at = '2026-11-28T10:00:00.000Z'): ConversationControl {
  n++;
  return { t: 'timer', id: `t${n}`, seconds, sentAt: at };
}
