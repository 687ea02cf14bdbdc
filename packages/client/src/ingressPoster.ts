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
 * recipient's push wake-up (poster.ts). Through the ingress hop it is the `Hardline-Wake:
 * later` header inside the encapsulated request, which the hop cannot see.
 */
export type PostSender = { post(p: OutgoingPost): Promise<void>; close(): void; later?(): PostSender };

/** The post before the next one, shared by a poster and its `later` sibling: one order for both. */
type Chain = { last: Promise<unknown> };

export class IngressPoster implements PostSender {
  private sibling: IngressPoster | undefined;

  constructor(
    private readonly api: RelayApi,
    private readonly wake: 'now' | 'later' = 'now',
    private readonly chain: Chain = { last: Promise.resolve() },
  ) {}

  /** The same hop and order, for posts whose recipients' wake-ups may wait. */
  later(): IngressPoster {
    if (this.wake === 'later') return this;
    return (this.sibling ??= new IngressPoster(this.api, 'later', this.chain));
  }

  /**
   * One at a time, in the order given: the WebSocket kept order by pipelining, and a Welcome
   * must land in a mailbox before the message that follows it, or the reader cannot open it.
   */
  post(p: OutgoingPost): Promise<void> {
    const frame = encodePostFrame(p.sendCap, p.envelope);
    // Refusals come back as HardlineError with the relay's code (MAILBOX_FULL, NO_MAILBOX...),
    // exactly as on the WebSocket, so the outbox keeps or drops the envelope the same way.
    const done = this.chain.last.then(() => this.api.postFrame(frame, this.wake)).then(() => undefined);
    this.chain.last = done.catch(() => undefined);
    return done;
  }

  close(): void {}
}
