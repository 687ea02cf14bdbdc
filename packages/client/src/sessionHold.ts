/**
 * @module sessionHold
 * Holds this device's new authenticated requests back for a moment (issue 12). Claim pacing
 * waits out session requests that begin while it waits, but only a bounded number of times
 * (claimPacing.ts `MAX_REWAITS`): a relay that times its answers can keep the session busy (each
 * push is acknowledged on the inbox socket) until the bound is used up, then see the anonymous
 * request follow a session request of its choosing. Past the bound the pacing holds the session
 * instead: new session fetches wait, and inbox frames are queued in order, until it lets go.
 *
 * A hold always ends on a timer of the pacing's own, so nothing under it can wait for ever; the
 * cost is a few seconds' delay of that device's session requests, and only when the bound is hit.
 */
export class SessionHold {
  #holds = 0;
  #free: Array<() => void> = [];

  get held(): boolean {
    return this.#holds > 0;
  }

  /** Holds new session requests until the returned release is called (once; later calls do nothing). */
  hold(): () => void {
    this.#holds++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      if (--this.#holds > 0) return;
      const free = this.#free;
      this.#free = [];
      for (const f of free) f();
    };
  }

  /** Undefined when nothing holds the session; else resolves once every hold is released. */
  whenFree(): Promise<void> | undefined {
    if (this.#holds === 0) return undefined;
    return new Promise((r) => this.#free.push(r));
  }
}
