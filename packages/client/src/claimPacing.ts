/**
 * @module claimPacing
 * When this device's anonymous KeyPackage claims go out (issue 12). A live relay operator who
 * sees a conversation's claims arrive together, moments after a device's authenticated session,
 * learns which devices form the conversation and who set it up. So at `balanced` and `strict`
 * claims wait out the send scheduler's quiet period, then go one at a time, a Poisson gap
 * apart (the level's busy gap), each on a fresh anonymous connection (RelayApi's `fetchUnlinked`
 * or the ingress hop). At `off` they all go at once, as before.
 *
 * Cost: a conversation's setup takes the quiet period plus one gap per member device (about
 * 0.5 + 0.8 s per device at `balanced`, 1.5 + 1.5 s per device at `strict`). Nothing waits on
 * it for a message already queued, and calls (no claims) are untouched.
 */
import type { PrivacyLevel, SlotParams } from './privacyLevel.ts';
import { expGap } from './sendScheduler.ts';

export type PacingDeps = {
  readonly params: () => SlotParams;
  /** The send scheduler's view of the session: the quiet period left (ms), and a count of requests. */
  readonly session: { quietLeft(): number; readonly sessions: number };
  /** Fills the claim-token wallet first, so no session fetch sits right before a claim. */
  readonly warm?: (claims: number) => Promise<void>;
  /** The platform's wait; the metadata bench passes one on its simulated clock. */
  readonly sleep?: (ms: number) => Promise<void>;
};

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * How many times one wait is taken again for session requests that began during it. A request
 * that began mid-wait (a token refill, an inbox subscribe; not an acknowledgement of a push,
 * sessionWatch.ts) would otherwise be followed by the anonymous one after less than a quiet
 * period. Bounded so that a session that never rests cannot hold a change back for ever: past
 * the bound the request still goes at a random moment, just not past the latest session request.
 */
export const MAX_REWAITS = 4;

export class ClaimPacing {
  constructor(private readonly deps: PacingDeps) {}

  get level(): PrivacyLevel {
    return this.deps.params().level;
  }

  /**
   * Runs `claim` for each item: all at once at `off`; else one at a time, the first past the
   * quiet period, each after a Poisson gap. Results keep the items' order.
   */
  async each<T, R>(items: readonly T[], claim: (item: T) => Promise<R>): Promise<R[]> {
    const p = this.deps.params();
    if (p.level === 'off' || items.length === 0) return Promise.all(items.map(claim));
    await this.deps.warm?.(items.length);
    const sleep = this.deps.sleep ?? realSleep;
    const out: R[] = [];
    // The claims themselves are anonymous and do not extend the quiet period; an authenticated
    // request during the batch (a token refill, an inbox subscribe) does, and is waited out.
    let seen = -1;
    for (const item of items) {
      let wait = this.deps.session.sessions === seen ? 0 : this.deps.session.quietLeft();
      for (let refills = 0; ; refills++) {
        await this.#waitPastSessions(wait + expGap(p.busyGapMs), p, sleep);
        // The wallet filled before the first wait can be spent meanwhile by another paced claim
        // (the mailbox pool's, a rotation's). The claim would then fetch its token itself, over
        // the session, and go the moment the answer came: the relay saw the device's token
        // request, then the claim. So a token is made sure of here, and a fetch waited out too.
        const before = this.deps.session.sessions;
        if (!this.deps.warm || refills >= MAX_REWAITS) break;
        await this.deps.warm(1);
        if (this.deps.session.sessions === before) break;
        wait = this.deps.session.quietLeft();
      }
      seen = this.deps.session.sessions;
      out.push(await claim(item));
    }
    return out;
  }

  /**
   * A wait before a request that follows from one the relay just answered (a commit lock it
   * refused, membershipCommits.ts) or from the device's own session request (a change's first
   * commit lock, after the sync or inbox round it came out of): at least `floorMs`; at
   * `balanced` and `strict` also a full quiet period from now (and past any session still
   * running), then a Poisson gap at the level's busy rate, drawn afresh every time. So the next
   * request, anonymous or in the session, never comes at a fixed offset from either.
   *
   * `claims`: the anonymous claims the request that follows will lead to (a commit's, under the
   * lock it takes). Their tokens are fetched first, over the session, and waited out with the
   * rest: fetched by `each` after the lock request instead, they followed it by one round trip
   * and named the device holding the lock.
   */
  async pause(floorMs = 0, claims = 0): Promise<void> {
    const p = this.deps.params();
    const sleep = this.deps.sleep ?? realSleep;
    if (p.level === 'off') return floorMs > 0 ? sleep(floorMs) : undefined;
    if (claims > 0) await this.deps.warm?.(claims);
    await this.#waitPastSessions(floorMs + Math.max(p.quietMs, this.deps.session.quietLeft()) + expGap(p.busyGapMs), p, sleep);
  }

  /** Sleeps `ms`; then, while session requests began meanwhile, their quiet period and a fresh gap. */
  async #waitPastSessions(ms: number, p: SlotParams, sleep: (ms: number) => Promise<void>): Promise<void> {
    let seen = this.deps.session.sessions;
    await sleep(ms);
    for (let i = 0; i < MAX_REWAITS && this.deps.session.sessions !== seen; i++) {
      seen = this.deps.session.sessions;
      await sleep(this.deps.session.quietLeft() + expGap(p.busyGapMs));
    }
  }

  /** One claim at a moment of the pacing's choosing (see `each`). */
  async one<R>(claim: () => Promise<R>): Promise<R> {
    return (await this.each([undefined], claim))[0]!;
  }
}

/** Enough claim tokens in hand for `claims` claims, fetched before the pacing's first wait. */
export async function warmWallet(wallet: { readonly size: number; readonly dropped?: boolean; fill(): Promise<void> }, claims: number): Promise<void> {
  // Emptied at the relay's word (tokenWallet.ts discard): only the background refill fetches.
  while (wallet.size < claims && !wallet.dropped) {
    const before = wallet.size;
    await wallet.fill();
    if (wallet.size <= before) return;
  }
}
