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
 * 4. while the device still waits for its awaited entry in the chain (orgPolicy.ts AwaitedEntry:
 *    its own invite, or the head its linking device handed over), none yet: the route is held (below);
 * 5. else none: straight to the relay.
 * The relay is not on that list. Whoever takes the relay over would like posters' addresses
 * back, with a hop of its own or none: it can neither sign a policy nor edit the device state.
 * What it can do is withhold a newer policy (serve an old chain), which keeps the hop the
 * device had; the security team sees that as an old policy version in its device list.
 *
 * Held: a relay already hostile at enrolment can serve the chain cut short before the policy
 * that names the hop, so until the invite shows up in the verified chain the device cannot know
 * whether the team signed a hop, nor which. Sent meanwhile, an anonymous action would go straight
 * to the relay from this device's address (or through a hop the team gave up). So every one of
 * them fails with AwaitingInviteError before any byte leaves: the hold sits in the one path they
 * all take (RelayApi's anonymous fetch; posts go through it too, as over a hop). Queued posts
 * stay in the outbox; claims, blob calls and TURN purchases fail and are made again later. The
 * refresh that verifies the invite decides the route (follow), and what waits goes through it.
 * A linked device is held the same way, from enrolment until its chain reaches the head the
 * linking device handed over; only its own link handshake leaves meanwhile (deviceLinking.ts).
 */
import { parseRelayUrl } from './relayUrl.ts';
import { IngressPoster, type PostSender } from './ingressPoster.ts';
import { Poster } from './poster.ts';
import type { RelayApi } from './relayApi.ts';
import type { Transport } from './transport.ts';
import { UnsentError } from './unsentError.ts';

export type IngressSources = {
  /** Given for this run; it wins over the rest and never changes. */
  readonly given?: string | undefined;
  /** Signed into the org policy (null: "no hop"); read again after each refresh of the org's orders. */
  readonly signed: () => string | null | undefined;
  /** Chosen at enrolment. */
  readonly registered?: string | undefined;
  /**
   * The device still waits for its awaited entry in the verified chain (orgPolicy.ts AwaitedEntry):
   * with no hop given or chosen, the route is held until it has seen it.
   */
  readonly awaitingInvite?: () => boolean;
};

/** What `send` and every anonymous action throw while the route is held (see the module comment). */
export class AwaitingInviteError extends UnsentError {
  constructor() {
    super(
      'AWAITING_INVITE',
      "held: this device sends nothing anonymous until the relay shows the organisation's signed orders up to your invite (or, for a linked device, as far as the device that linked it had seen them), which it has not yet; if this lasts, tell your security team (the relay may be withholding them)",
    );
  }
}

/** The route's decision: a hop, none (straight to the relay), or held. */
const HELD = Symbol('held');
type Wanted = string | undefined | typeof HELD;

export class IngressRoute {
  #hop: Wanted;
  #poster: PostSender;

  constructor(
    private readonly api: RelayApi,
    private readonly base: URL,
    private readonly transport: Transport,
    private readonly sources: IngressSources,
  ) {
    this.#hop = this.wanted();
    this.#poster = this.take(this.#hop);
  }

  /** The hop in use, undefined for none (or while held). */
  get hop(): string | undefined {
    return this.#hop === HELD ? undefined : this.#hop;
  }

  /** True while every anonymous action is held (see the module comment). */
  get held(): boolean {
    return this.#hop === HELD;
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
   * enrolment's choice; one that says "no hop" (null) means none. A chain that now shows the
   * invite ends the hold.
   */
  follow(): boolean {
    const next = this.wanted();
    if (next === this.#hop) return false;
    this.#poster.close();
    this.#hop = next;
    this.#poster = this.take(next);
    return true;
  }

  close(): void {
    this.#poster.close();
  }

  /** Points the API's anonymous calls where `wanted` says, and returns the poster that goes with it. */
  private take(wanted: Wanted): PostSender {
    if (wanted === HELD) this.api.holdAnonymous(() => new AwaitingInviteError());
    else if (wanted) this.api.useIngress(parseRelayUrl(wanted));
    else this.api.dropIngress();
    // Held, posts go the API's way too (as over a hop), so the one hold covers them.
    return wanted === HELD || wanted ? new IngressPoster(this.api) : new Poster(this.base, this.transport);
  }

  private wanted(): Wanted {
    if (this.sources.given !== undefined) return this.sources.given;
    const signed = this.sources.signed();
    // null: the team signed "no hop", which also overrides the enrolment's choice.
    if (signed !== undefined) return signed ?? undefined;
    if (this.sources.registered !== undefined) return this.sources.registered;
    return this.sources.awaitingInvite?.() ? HELD : undefined;
  }
}
