/**
 * @module appActionRunner
 * Runs one web-app action through the real client engine, as the app does it:
 * - deliver: one round of the inbox (the relay pushes what waits, the client acks). The held-open
 *   socket's connect, auth and subscribe happened when the tab opened; the views drop those of
 *   this round (RelayRun.heldOpenConns) and keep its push and ack, which is what a held-open
 *   inbox shows at this moment.
 * - receipt and call signals: `sendControl`, the web app's path (no sync first);
 * - TURN credentials: bought anonymously with a `turn` token (POST /v1/turn/credentials), as
 *   callManager does when it has no ready set (turnCredentialCache.ts).
 * Call signals carry SDP and candidates of realistic length, so their envelopes are sized
 * like the app's (the relay pads them to its buckets anyway).
 */
import { randomBytes } from 'node:crypto';
import type { Conversation, HardlineClient } from '@hardline/client';
import type { CallOp, ConversationControl } from '@hardline/protocol';
import { AppActionKinds, type AppAction, type CallRecord, type ControlTarget } from './appAction.ts';
import type { Population } from './population.ts';
import { leftForSlot } from './slotPosts.ts';

const FAKE_SDP = `v=0\r\no=- 0 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=candidate:0 1 udp 2122260223 127.0.0.1 3478 typ relay\r\n'.repeat(4)}${'a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n'.repeat(12)}`;
const FAKE_CANDIDATE = JSON.stringify({ candidate: 'candidate:1 1 udp 41885439 127.0.0.1 50000 typ relay raddr 0.0.0.0 rport 0', sdpMid: '0', sdpMLineIndex: 0 });

const randomId = (): string => randomBytes(8).toString('hex');

async function conversationFor(client: HardlineClient, pop: Population, target: ControlTarget): Promise<Conversation | undefined> {
  if ('peer' in target) return client.directConversation(pop.handles[target.peer]!);
  return client.conversations().find((c) => c.roster.kind === 'group' && client.conversationName(c) === target.group);
}

function callMessage(callId: string, op: CallOp): ConversationControl {
  const extra = op === 'offer' || op === 'answer' ? { sdp: FAKE_SDP } : op === 'ice' ? { candidate: FAKE_CANDIDATE } : {};
  return { t: 'call', id: randomId(), callId, op, ...extra, sentAt: new Date().toISOString() };
}

/** Runs the action; for a call action, returns what the driver records with its end time. */
export async function runAppAction(a: AppAction, client: HardlineClient, pop: Population, realIds: ReadonlyMap<number, string>): Promise<Pick<CallRecord, 'callId' | 'what'> | undefined> {
  if (a.kind === AppActionKinds.DELIVER) {
    await client.sync();
    return undefined;
  }
  if (a.kind === AppActionKinds.RECEIPT) {
    const ids = a.messages.map((m) => realIds.get(m)).filter((id): id is string => id !== undefined);
    const conv = ids.length > 0 ? await conversationFor(client, pop, a.target) : undefined;
    if (conv) await client.sendControl(conv.id, { t: 'receipt', id: randomId(), ids, sentAt: new Date().toISOString() });
    return undefined;
  }
  if (a.kind === AppActionKinds.TURN) {
    await client.relay().turn.take();
    return { callId: a.callId, what: 'turn' };
  }
  // A first contact by call: with the scheduler on, the new conversation's welcome is left for
  // a slot (the flush rejects once it is queued), and the signal goes on in that conversation.
  const handle = pop.handles[a.peer]!;
  const conv = (await leftForSlot(client, () => client.directConversation(handle))) ?? (await client.directConversation(handle));
  await client.sendControl(conv.id, callMessage(a.callId, a.op));
  return { callId: a.callId, what: a.op };
}
