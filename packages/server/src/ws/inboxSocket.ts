/**
 * @module inboxSocket
 * `WS /v1/inbox`: the authenticated reading path. The first frame must authenticate; then the
 * device subscribes with read capabilities, receives envelopes as binary frames and acks them.
 * Frames are handled strictly in arrival order, so a client may pipeline auth and subscribe.
 */
import { timingSafeEqual } from 'node:crypto';
import type WebSocket from 'ws';
import type { MailboxId } from '@hardline/protocol';
import { DecodeError } from '@hardline/protocol';
import { sha256 } from '../capabilityBytes.ts';
import { REVOKED_CLOSE_CODE } from '../devices/revokeDevice.ts';
import { RelayError } from '../errors/relayError.ts';
import { isInternal, toWireError } from '../errors/wireError.ts';
import { observe, type RelayContext } from '../relayContext.ts';
import { InboxConnection } from './inboxConnection.ts';
import { MAX_INBOX_FRAME, MAX_SUBSCRIBE_ITEMS, parseInboxMessage, type InboxMessage } from './inboxMessages.ts';
import { setFrameBound } from './socketBounds.ts';

/**
 * The first frame must be auth (a token of at most 256 characters), so until it has come no
 * larger frame is buffered: an anonymous socket holds at most this much of a partial frame.
 */
export const FIRST_FRAME_BOUND = 4 * 1024;
/** Frames received but not yet handled; past this the socket is paused until they are. */
const MAX_QUEUED_FRAMES = 8;
/** Per connection, pending subscriptions included: bounds the memory one socket can hold. */
const MAX_SUBSCRIPTIONS = 100_000;

/** `authenticated` is called once the auth frame is accepted (it frees the anonymous slot). */
export function handleInboxSocket(ctx: RelayContext, ws: WebSocket, conn: number, authenticated: () => void = () => {}): void {
  const inbox = new InboxConnection(ctx, ws, conn);
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  let firstFrame = true;
  setFrameBound(ws, FIRST_FRAME_BOUND);
  const authTimer = setTimeout(() => inbox.close(4401, 'UNAUTHENTICATED'), ctx.limits.wsAuthTimeoutMs);
  authTimer.unref();

  const fail = (e: unknown): void => {
    if (isInternal(e)) ctx.internalError(e);
    const w = toWireError(e);
    if (inbox.open) {
      ws.send(JSON.stringify({ type: 'error', error: { code: w.code, message: w.message } }));
      inbox.close(w.wsClose ?? 4400, w.code);
    }
  };

  ws.on('message', (data, isBinary) => {
    if (firstFrame) {
      // Before the next frame's header is read: a pipelined subscribe may be up to 1 MiB.
      firstFrame = false;
      setFrameBound(ws, MAX_INBOX_FRAME);
    }
    // Frames are handled one at a time; a client that sends faster is paused, not buffered.
    if (++queued >= MAX_QUEUED_FRAMES) ws.pause();
    // Text frames only; a binary frame from a reader is a protocol error.
    const text = isBinary ? undefined : data.toString();
    chain = chain
      .then(async () => {
        if (text === undefined) {
          if (!inbox.open) return;
          throw new DecodeError('inbox accepts only text frames');
        }
        const msg = parseInboxMessage(text);
        // An ack that arrived before the reader's close frame still counts: readers ack their
        // last batch and close at once, and dropping it would keep delivered envelopes forever.
        if (!inbox.open && msg.type !== 'ack') return;
        await handleMessage(ctx, inbox, msg, authTimer, authenticated);
      })
      .catch(fail)
      .finally(() => {
        if (--queued < MAX_QUEUED_FRAMES / 2 && ws.isPaused) ws.resume();
      });
  });
  ws.on('close', () => {
    clearTimeout(authTimer);
    ctx.hub.detach(inbox);
  });
  ws.on('error', () => {
    // Socket-level errors (resets, bad frames) end in 'close'; nothing to report per client.
  });
}

async function handleMessage(ctx: RelayContext, inbox: InboxConnection, msg: InboxMessage, authTimer: NodeJS.Timeout, authenticated: () => void): Promise<void> {
  if (inbox.deviceId === undefined) {
    if (msg.type !== 'auth') throw new RelayError('UNAUTHENTICATED', 'first frame must be auth');
    const deviceId = ctx.sessions.lookup(msg.token);
    if (!deviceId) throw new RelayError('UNAUTHENTICATED', 'unknown or expired session token');
    const device = await ctx.store.getDevice(deviceId);
    // Closed while the store answered: attaching now would leave a dead reader in the hub (and
    // in the push rounds) for good, since its close already ran.
    if (!inbox.open) return;
    if (!device || device.revoked) {
      inbox.close(REVOKED_CLOSE_CODE, 'REVOKED');
      return;
    }
    clearTimeout(authTimer);
    authenticated();
    inbox.deviceId = deviceId;
    ctx.hub.attachDevice(inbox, deviceId);
    if (ctx.observer) observe(ctx, { kind: 'auth', conn: inbox.conn, device: deviceId });
    return;
  }
  switch (msg.type) {
    case 'auth':
      throw new DecodeError('already authenticated');
    case 'subscribe':
      return subscribe(ctx, inbox, msg.mailboxes);
    case 'ack': {
      const mine = msg.items.filter(([m]) => inbox.isSubscribed(m));
      if (ctx.observer) for (const [m] of mine) observe(ctx, { kind: 'ack', conn: inbox.conn, mailboxId: m });
      if (mine.length > 0) await ctx.store.ackEnvelopes(mine, ctx.now());
      return;
    }
  }
}

async function subscribe(
  ctx: RelayContext,
  inbox: InboxConnection,
  mailboxes: readonly { readonly id: MailboxId; readonly readCap: Buffer }[],
): Promise<void> {
  if (inbox.subscriptionCount() + mailboxes.length > MAX_SUBSCRIPTIONS + MAX_SUBSCRIBE_ITEMS) {
    throw new DecodeError('too many subscriptions on one connection');
  }
  const ok: MailboxId[] = [];
  const live: MailboxId[] = [];
  const pending: MailboxId[] = [];
  const denied: MailboxId[] = [];
  for (const { id, readCap } of mailboxes) {
    const mailbox = await ctx.store.getMailbox(id);
    // Closed while the store answered: its close already detached it from the hub, which would
    // keep anything added now for good.
    if (!inbox.open) return;
    const capHash = sha256(readCap);
    if (!mailbox) {
      // Not claimed yet: hold it in memory and go live when the claim creates it.
      ctx.hub.subscribePending(inbox, id, capHash);
      inbox.addPending(id);
      pending.push(id);
      ok.push(id);
    } else if (timingSafeEqual(capHash, Buffer.from(mailbox.readCapHash))) {
      ctx.hub.subscribe(inbox, id);
      live.push(id);
      ok.push(id);
    } else {
      denied.push(id);
      continue;
    }
    if (ctx.observer) observe(ctx, { kind: 'subscribe', conn: inbox.conn, mailboxId: id });
  }
  if (!inbox.open) return;
  inbox.ws.send(JSON.stringify({ type: 'subscribed', ok, denied, pending }));
  inbox.subscribe(live);
}
