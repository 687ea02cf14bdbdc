/**
 * @module session/pendingHop
 * The hop while it is unknown: a start that could neither reach `GET /v1/org` nor read a saved
 * announcement (announcedIngress.ts). Unknown is not "no hop": a relay (or anyone on the path)
 * that blocks the announcement must not get this device's posts straight from its address.
 *
 * The engine is opened with HELD_HOP as its hop, so every anonymous action (posts, claims, blob
 * calls, TURN purchases, commit locks) is encapsulated for a hop and handed to the transport,
 * where platform/heldHopTransport.ts holds it until the announcement is known: then it goes to
 * the hop the relay names, or, if the relay names none, to the relay's own gateway, which is
 * what "no hop" means. A held action waits at most HOLD_WAIT_MS and then fails UNAVAILABLE, as
 * when offline: posts stay queued in the outbox and go at a later round. Meanwhile the page asks
 * the relay again with a growing pause, and the settings say that actions are waiting. Once the
 * hop is known, each held action leaves after a random delay of its own (heldReleaseDelayMs), not
 * all at once. (Failing them UNAVAILABLE for the send scheduler to resend was the other way; it
 * was not taken: claims, blob calls and commit locks are not the scheduler's, and a page whose
 * actions all fail at the relay's answer would retry them on its next round, together again.)
 *
 * A page that knows its hop at start routes through the same held hop, decided from the start:
 * the person may re-pin the hop while the app is open (pinnedHop.ts), and the engine, opened
 * with one hop for good, then reaches the new one without being opened again.
 */
import type { IngressChoice } from './announcedIngress.ts';

/** `.invalid` never resolves (RFC 6761): an action that slipped past the hold reaches no one. */
export const HELD_HOP = 'https://held-hop.invalid/';
/** How long one held action waits for the announcement before it fails as queued. */
export const HOLD_WAIT_MS = 15_000;
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

/**
 * A held action, once the hop is known, waits this long more, drawn afresh for each action. The
 * relay picks the moment the hop becomes known (it answers this address's `GET /v1/org`): held
 * actions that all left then would leave together, milliseconds after an answer to this address,
 * and the relay would tie them to it. Spread as the `balanced` send scheduler spreads posts.
 */
export const RELEASE_MIN_MS = 1_000;
export const RELEASE_MAX_MS = 20_000;

/** One held action's own delay, uniform in [RELEASE_MIN_MS, RELEASE_MAX_MS). */
export function heldReleaseDelayMs(): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return RELEASE_MIN_MS + Math.floor((n! / 2 ** 32) * (RELEASE_MAX_MS - RELEASE_MIN_MS));
}

/**
 * The hop's decision as the held transport sees it: undefined while still unknown after `waitMs`.
 * `choice`, where there is one, says whether it is known right now (an action sent then is not held).
 */
export type HopDecision = { decided(waitMs: number): Promise<IngressChoice | undefined>; readonly choice?: IngressChoice };

/** The service worker's: it never asks the relay itself, so an unknown hop stays unknown there. */
export const NEVER_DECIDED: HopDecision = { decided: async () => undefined };

export class PendingHop implements HopDecision {
  private current: IngressChoice;
  private readonly waiters = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pause = RETRY_FIRST_MS;
  private asking = false;
  private stopped = false;
  private readonly listeners = new Set<(choice: IngressChoice) => void>();
  /** The hop the engine's verified org policy signs, if any (followSigned). */
  private signed: () => string | null | undefined = () => undefined;

  constructor(
    /** Asks the relay (announcedIngress); `unknown` when it still did not answer. */
    private readonly lookUp: () => Promise<IngressChoice>,
    /** What the start found: anything but `unknown` is decided already. */
    initial: IngressChoice = { url: undefined, from: 'unknown' },
  ) {
    this.current = initial;
  }

  /** `cb` runs once, when the announcement is known. */
  whenKnown(cb: (choice: IngressChoice) => void): void {
    this.listeners.add(cb);
  }

  get choice(): IngressChoice {
    return this.current;
  }

  /**
   * Reads the hop the engine's verified org policy signs at each send: actions go there from the
   * refresh that verified it on, not from the page's next tick (which only then updates `choice`
   * and the pin), so a round's actions right after that refresh skip a hop the relay got pinned.
   */
  followSigned(read: () => string | null | undefined): void {
    this.signed = read;
  }

  private signedChoice(): IngressChoice | undefined {
    const url = this.signed();
    return url === undefined ? undefined : { url: url ?? undefined, from: 'policy' };
  }

  async decided(waitMs: number): Promise<IngressChoice | undefined> {
    const signed = this.signedChoice();
    if (signed) return signed;
    if (this.current.from !== 'unknown') return this.current;
    let wake!: () => void;
    const known = new Promise<void>((r) => (wake = r));
    this.waiters.add(wake);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([known, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
    } finally {
      clearTimeout(timer);
      this.waiters.delete(wake);
    }
    return this.signedChoice() ?? (this.current.from === 'unknown' ? undefined : this.current);
  }

  /** Starts asking the relay again, with a growing pause, until it answers. */
  watch(): void {
    if (this.stopped || this.current.from !== 'unknown' || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.ask();
    }, this.pause);
  }

  /** Asks now (the browser is back online, say). */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.ask();
  }

  /**
   * The person re-pinned the hop (announcedIngress.acceptAnnounced), or the security team's
   * signed policy names one: actions go there from now on. A signed hop also settles a hop that
   * was unknown, and wakes the actions held for it.
   */
  replace(choice: IngressChoice): void {
    if (choice.from === 'unknown') return;
    if (this.current.from === 'unknown' && choice.from !== 'policy') return;
    const wasUnknown = this.current.from === 'unknown';
    this.current = choice;
    if (!wasUnknown) return;
    for (const wake of this.waiters) wake();
    for (const cb of this.listeners) cb(choice);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async ask(): Promise<void> {
    if (this.stopped || this.asking || this.current.from !== 'unknown') return;
    this.asking = true;
    let choice: IngressChoice;
    try {
      choice = await this.lookUp();
    } catch {
      choice = { url: undefined, from: 'unknown' };
    } finally {
      this.asking = false;
    }
    // Decided while the relay was answering (a signed hop the engine read: replace): that
    // stands. The relay's late answer would show a change to its own hop and re-save the pin.
    if (this.current.from !== 'unknown') return;
    if (choice.from === 'unknown') {
      this.pause = Math.min(this.pause * 2, RETRY_MAX_MS);
      return this.watch();
    }
    this.current = choice;
    for (const wake of this.waiters) wake();
    for (const cb of this.listeners) cb(choice);
  }
}
