/**
 * @module downlinkTap
 * A network observer on a held-open inbox's link: the time (on the test's ManualClock) and size
 * of every frame the relay sends down one WebSocket, which is what a tap on the relay's uplink
 * sees of it once TLS hides the content (frame sizes and times, nothing else).
 *
 * Times come from the manual clock, which moves only when the test moves it, so `flush` must
 * run before it moves again: a ping and its pong, which the relay answers after every frame it
 * wrote before, so each frame is stamped with the clock time at which the relay sent it. Pass
 * `flush` of every tap as the clock's `settle`, and call it after each post too.
 */
import type WebSocket from 'ws';
import type { ManualClock } from './manualClock.ts';

export type TappedFrame = { readonly t: number; readonly binary: boolean; readonly size: number; readonly data: Buffer };

export class DownlinkTap {
  readonly frames: TappedFrame[] = [];

  constructor(
    private readonly ws: WebSocket,
    clock: ManualClock,
  ) {
    ws.on('message', (data, binary) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      this.frames.push({ t: clock.now(), binary, size: buf.length, data: buf });
    });
  }

  /** Binary frames (envelopes, real or cover): what the observer counts as downloads. */
  get downloads(): TappedFrame[] {
    return this.frames.filter((f) => f.binary);
  }

  /** Resolves once every frame the relay sent before now has arrived (ping, pong). */
  flush(): Promise<void> {
    if (this.ws.readyState !== 1) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('pong', () => resolve());
      this.ws.ping();
    });
  }
}

/** One `settle` for the clock over several taps (taps added later count too). */
export function flushAll(taps: readonly DownlinkTap[]): () => Promise<void> {
  return async () => {
    for (const t of taps) await t.flush();
  };
}
