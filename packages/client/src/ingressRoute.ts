/**
 * @module ingressRoute
 * Which ingress hop this device's anonymous actions (posts, claims, blob calls, TURN purchases)
 * go through, and how they are posted: over HTTP inside Oblivious HTTP through the hop, or over
 * `WS /v1/post` when there is no hop (a WebSocket cannot be encapsulated).
 *
 * The hop, in this order:
 * 1. the one given for this run (`ClientOptions.ingress`: a CLI flag, or the web page's held hop,
 *    which the page routes itself, web session/announcedIngress.ts);
 * 2. the one the security team signed into the org policy (org/orgPolicy.ts in protocol);
 * 3. the one the person chose at enrolment (`hardline register --ingress`);
 * 4. while the device still waits for its own invite in the chain (orgPolicy.ts awaitInvite),
 *    the one a policy read so far names: it may not be the team's current word (the relay may
 *    have cut the chain before that), so it neither overrides 3 nor counts as 2.
 * The relay is not on that list. Whoever takes the relay over would like posters' addresses
 * back, with a hop of its own or none: it can neither sign a policy nor edit the device state.
 * What it can do is withhold a newer policy (serve an old chain), which keeps the hop the
 * device had; the security team sees that as an old policy version in its device list.
 */
import { parseRelayUrl } from './relayUrl.ts';
import { IngressPoster, type PostSender } from './ingressPoster.ts';
import { Poster } from './poster.ts';
import type { RelayApi } from './relayApi.ts';
import type { Transport } from './transport.ts';

export type IngressSources = {
  /** Given for this run; it wins over the rest and never changes. */
  readonly given?: string | undefined;
  /** Signed into the org policy (null: "no hop"); read again after each refresh of the org's orders. */
  readonly signed: () => string | null | undefined;
  /** Chosen at enrolment. */
  readonly registered?: string | undefined;
  /**
   * Signed into a policy the device read while it still waits for its own invite (orgPolicy.ts
   * awaitInvite): the relay may have cut the chain before the team's current hop, so this comes
   * after the enrolment's choice, used only when nothing else names a hop (no worse than none).
   */
  readonly unconfirmed?: () => string | null | undefined;
};

export class IngressRoute {
  #hop: string | undefined;
  #poster: PostSender;

  constructor(
    private readonly api: RelayApi,
    private readonly base: URL,
    private readonly transport: Transport,
    private readonly sources: IngressSources,
  ) {
    this.#hop = this.wanted();
    if (this.#hop) api.useIngress(parseRelayUrl(this.#hop));
    this.#poster = this.#hop ? new IngressPoster(api) : new Poster(base, transport);
  }

  /** The hop in use, undefined for none. */
  get hop(): string | undefined {
    return this.#hop;
  }

  /** The poster for the outbox. Through a hop, one; without, the long-lived WebSocket one. */
  get poster(): PostSender {
    return this.#poster;
  }

  /** A poster for one send slot: each slot its own connection, or the hop's (one OHTTP request each). */
  freshPoster(): PostSender {
    return this.#poster instanceof IngressPoster ? this.#poster : new Poster(this.base, this.transport);
  }

  /**
   * After the org's orders were read: a signed hop that differs from the one in use takes over
   * from the next action on. A policy that stops speaking of the hop falls back to the
   * enrolment's choice; one that says "no hop" (null) means none.
   */
  follow(): boolean {
    const next = this.wanted();
    if (next === this.#hop) return false;
    if (next) this.api.useIngress(parseRelayUrl(next));
    else this.api.dropIngress();
    this.#poster.close();
    this.#hop = next;
    this.#poster = next ? new IngressPoster(this.api) : new Poster(this.base, this.transport);
    return true;
  }

  close(): void {
    this.#poster.close();
  }

  private wanted(): string | undefined {
    if (this.sources.given !== undefined) return this.sources.given;
    const signed = this.sources.signed();
    // null: the team signed "no hop", which also overrides the enrolment's choice.
    if (signed !== undefined) return signed ?? undefined;
    return this.sources.registered ?? this.sources.unconfirmed?.() ?? undefined;
  }
}
