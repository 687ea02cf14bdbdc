/**
 * @module waitFor
 * Polls for a state the relay reaches on its own time (an ack applied, a socket dropped), so
 * that no test sleeps a fixed time and hopes. A slow machine only makes it wait longer.
 */

/** Resolves once `check` holds; fails after `ms` with `what` in the message. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition', everyMs = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
