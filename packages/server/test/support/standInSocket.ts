/**
 * @module standInSocket
 * A stand-in for a server-side `ws` WebSocket, for handing a peer's frames to the relay's
 * socket handlers directly (postSocket.ts, inboxSocket.ts): the test decides when a frame comes,
 * when the peer goes away and how many unsent bytes sit in the buffer, so counts and orders are
 * exact and nothing depends on TCP chunking or the machine's speed.
 *
 * What it copies from ws: `send` on a socket that is not open writes nothing (ws only counts the
 * bytes, sendAfterClose); `close` moves to CLOSING; `terminate` to CLOSED. `log` records, in
 * order, every send, cork and uncork of the TCP socket under it, pause and resume.
 */
import { EventEmitter } from 'node:events';

export class StandInSocket extends EventEmitter {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 1;
  bufferedAmount = 0;
  isPaused = false;
  readonly sent: (Uint8Array | string)[] = [];
  readonly log: string[] = [];
  closed: [number, string] | undefined;
  terminated = false;
  /** ws's TCP socket, as corkForTurn.ts reaches it. */
  readonly _socket = {
    destroyed: false,
    cork: (): void => void this.log.push('cork'),
    uncork: (): void => void this.log.push('uncork'),
  };

  send(data: Uint8Array | string): void {
    if (this.readyState !== this.OPEN) {
      this.bufferedAmount += data.length;
      return;
    }
    this.sent.push(data);
    this.log.push('send');
  }
  pause(): void {
    this.isPaused = true;
    this.log.push('pause');
  }
  resume(): void {
    this.isPaused = false;
    this.log.push('resume');
  }
  close(code: number, reason: string): void {
    this.closed = [code, reason];
    this.readyState = this.CLOSING;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = this.CLOSED;
  }

  /** A frame from the peer: binary for bytes, text for a string. */
  frame(data: Uint8Array | string): void {
    this.emit('message', Buffer.from(data), typeof data !== 'string');
  }
  /** The peer is gone: the connection has ended. */
  end(): void {
    this.readyState = this.CLOSED;
    this.emit('close', 1006, Buffer.alloc(0));
  }
  /** Text frames sent, parsed. */
  get json(): any[] {
    return this.sent.filter((d): d is string => typeof d === 'string').map((d) => JSON.parse(d));
  }
}
