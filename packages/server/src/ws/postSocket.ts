/**
 * @module postSocket
 * `WS /v1/post`: anonymous, pipelined posting. Each binary frame is a post frame; each gets one
 * binary reply, in the order the frames came: `0x00 || envelopeId` once committed, or
 * `0x01 || envelopeId || code`. A frame too short to hold an envelope id is answered with
 * sixteen zero bytes as its id. Oversized frames close the socket with 1009 (ws maxPayload).
 */
import { encodePostReply, toHex, type EnvelopeId } from '@hardline/protocol';
import type WebSocket from 'ws';
import { isInternal, wireCode } from '../errors/wireError.ts';
import { acceptPost } from '../post/acceptPost.ts';
import type { RelayContext } from '../relayContext.ts';
import { corkForTurn } from './corkForTurn.ts';

const ZERO_ID = '00000000000000000000000000000000' as EnvelopeId;
/** Where the envelope id sits in a post frame: after sendCap[32], version[1] and mailbox[16]. */
const ID_OFFSET = 32 + 17;

/** Frames awaiting commit per socket; past this the client is not reading its replies. */
const MAX_IN_FLIGHT = 10_000;

function guessEnvelopeId(frame: Uint8Array): EnvelopeId {
  return frame.length >= ID_OFFSET + 16 ? (toHex(frame.subarray(ID_OFFSET, ID_OFFSET + 16)) as EnvelopeId) : ZERO_ID;
}

export function handlePostSocket(ctx: RelayContext, ws: WebSocket, conn: number): void {
  // Replies leave in frame order even though rejections are known before commits finish.
  const slots: { reply: Uint8Array | undefined }[] = [];

  const flush = (): void => {
    if (slots.length > 0 && slots[0]!.reply !== undefined) corkForTurn(ws);
    while (slots.length > 0 && slots[0]!.reply !== undefined) {
      const reply = slots.shift()!.reply!;
      if (ws.readyState === ws.OPEN) ws.send(reply, { binary: true });
    }
  };

  ws.on('message', (data, isBinary) => {
    const frame = isBinary && Buffer.isBuffer(data) ? data : Buffer.alloc(0);
    const slot: { reply: Uint8Array | undefined } = { reply: undefined };
    slots.push(slot);
    if (slots.length > MAX_IN_FLIGHT) {
      ws.close(1008, 'TOO_MANY_IN_FLIGHT');
      return;
    }
    acceptPost(ctx, frame, conn).then(
      (envelopeId) => {
        slot.reply = encodePostReply({ status: 'accepted', envelopeId });
        flush();
      },
      (e: unknown) => {
        if (isInternal(e)) ctx.internalError(e);
        const code = isBinary ? wireCode(e) : 'DECODE';
        slot.reply = encodePostReply({ status: 'rejected', envelopeId: guessEnvelopeId(frame), code });
        flush();
      },
    );
  });
  ws.on('error', () => {
    // Ends in 'close'; ws has already answered protocol violations (e.g. 1009 for oversize).
  });
}
