/**
 * @module postSocket
 * `WS /v1/post`: anonymous, pipelined posting. Each binary frame is a post frame; each gets one
 * binary reply, in the order the frames came: `0x00 || envelopeId` once committed, or
 * `0x01 || envelopeId || code`. A frame too short to hold an envelope id is answered with
 * sixteen zero bytes as its id. Oversized frames close the socket with 1009 (ws maxPayload).
 *
 * Memory per socket is bounded: frames awaiting commit are capped in count and bytes (past the
 * byte cap the socket is paused until commits catch up), a client that does not read its
 * replies is dropped once they pass limits.maxSocketSendBuffer, and a socket with nothing in
 * flight for limits.postSocketIdleMs is closed (clients close theirs 200 ms after a burst).
 */
import { encodePostReply, toHex, type EnvelopeId } from '@hardline/protocol';
import type WebSocket from 'ws';
import { isInternal, wireCode } from '../errors/wireError.ts';
import { acceptPost } from '../post/acceptPost.ts';
import type { RelayContext } from '../relayContext.ts';
import type { PostWake } from '../push/wakeUps.ts';
import { newPostSeries } from '../store/postSeries.ts';
import { corkForTurn } from './corkForTurn.ts';
import { closeSoon } from './socketBounds.ts';

const ZERO_ID = '00000000000000000000000000000000' as EnvelopeId;
/** Where the envelope id sits in a post frame: after sendCap[32], version[1] and mailbox[16]. */
const ID_OFFSET = 32 + 17;

/** Frames awaiting commit per socket; past this the client is not reading its replies. */
const MAX_IN_FLIGHT = 10_000;
/** Bytes of frames awaiting commit per socket; past this the socket is paused (a group fan-out fits). */
const MAX_IN_FLIGHT_BYTES = 4 << 20;

function guessEnvelopeId(frame: Uint8Array): EnvelopeId {
  return frame.length >= ID_OFFSET + 16 ? (toHex(frame.subarray(ID_OFFSET, ID_OFFSET + 16)) as EnvelopeId) : ZERO_ID;
}

/** `wake`: from the URL (`/v1/post?wake=later`), for every post on this socket (push/wakeUps.ts). */
export function handlePostSocket(ctx: RelayContext, ws: WebSocket, conn: number, wake: PostWake = 'now'): void {
  // Replies leave in frame order even though rejections are known before commits finish.
  const slots: { reply: Uint8Array | undefined }[] = [];
  let inFlightBytes = 0;
  // This socket's posts are one sender's burst (a fan-out): each goes into a commit of its own.
  const series = newPostSeries();
  const maxSendBuffer = ctx.limits.maxSocketSendBuffer;
  let idle: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    clearTimeout(idle);
    if (ws.readyState !== ws.OPEN) return;
    idle = setTimeout(() => closeSoon(ws, 1000, 'IDLE'), ctx.limits.postSocketIdleMs);
    idle.unref();
  };
  armIdle();

  const flush = (): void => {
    if (slots.length > 0 && slots[0]!.reply !== undefined) corkForTurn(ws);
    while (slots.length > 0 && slots[0]!.reply !== undefined) {
      const reply = slots.shift()!.reply!;
      if (ws.readyState === ws.OPEN) ws.send(reply, { binary: true });
    }
    if (ws.bufferedAmount > maxSendBuffer) {
      // The client is not reading its replies: nothing more can reach it, so drop it.
      ws.terminate();
      return;
    }
    if (slots.length === 0) armIdle();
  };

  ws.on('message', (data, isBinary) => {
    clearTimeout(idle);
    const frame = isBinary && Buffer.isBuffer(data) ? data : Buffer.alloc(0);
    const slot: { reply: Uint8Array | undefined } = { reply: undefined };
    slots.push(slot);
    if (slots.length > MAX_IN_FLIGHT) {
      closeSoon(ws, 1008, 'TOO_MANY_IN_FLIGHT');
      return;
    }
    inFlightBytes += frame.length;
    if (inFlightBytes > MAX_IN_FLIGHT_BYTES) ws.pause();
    const settled = (): void => {
      inFlightBytes -= frame.length;
      if (ws.isPaused && inFlightBytes <= MAX_IN_FLIGHT_BYTES / 2) ws.resume();
      flush();
    };
    acceptPost(ctx, frame, conn, wake, series).then(
      (envelopeId) => {
        slot.reply = encodePostReply({ status: 'accepted', envelopeId });
        settled();
      },
      (e: unknown) => {
        if (isInternal(e)) ctx.internalError(e);
        const code = isBinary ? wireCode(e) : 'DECODE';
        slot.reply = encodePostReply({ status: 'rejected', envelopeId: guessEnvelopeId(frame), code });
        settled();
      },
    );
  });
  ws.on('close', () => clearTimeout(idle));
  ws.on('error', () => {
    // Ends in 'close'; ws has already answered protocol violations (e.g. 1009 for oversize).
  });
}
