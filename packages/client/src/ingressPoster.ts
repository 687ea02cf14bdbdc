/**
 * @module ingressPoster
 * Posts through the ingress hop: `POST /v1/post` inside Oblivious HTTP, one request per
 * envelope. It stands in for the WebSocket Poster when an ingress is configured, because a
 * WebSocket cannot be encapsulated; the cost is a round trip per post instead of a pipeline.
 */
import { encodePostFrame } from '@hardline/protocol';
import type { OutgoingPost } from './poster.ts';
import type { RelayApi } from './relayApi.ts';

/**
 * `later`, where the sender supports it: a poster whose posts let the relay delay the
 * recipient's push wake-up (poster.ts). Through the ingress hop there is none yet: every post
 * there wakes its recipient at once, as before levels.
 */
export type PostSender = { post(p: OutgoingPost): Promise<void>; close(): void; later?(): PostSender };

export class IngressPoster implements PostSender {
  /** The post before this one: each waits for it, whatever became of it. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly api: RelayApi) {}

  /**
   * One at a time, in the order given: the WebSocket kept order by pipelining, and a Welcome
   * must land in a mailbox before the message that follows it, or the reader cannot open it.
   */
  post(p: OutgoingPost): Promise<void> {
    const frame = encodePostFrame(p.sendCap, p.envelope);
    // Refusals come back as HardlineError with the relay's code (MAILBOX_FULL, NO_MAILBOX...),
    // exactly as on the WebSocket, so the outbox keeps or drops the envelope the same way.
    const done = this.last.then(() => this.api.postFrame(frame)).then(() => undefined);
    this.last = done.catch(() => undefined);
    return done;
  }

  close(): void {}
}
