/**
 * @module claimPacing-relayDriven-hostile.test
 * The relay operator drives this device's session on purpose: it pushes an envelope every
 * 100 ms, and the device acknowledges each on its inbox socket. If the paced wait before an
 * anonymous request (a commit lock, a KeyPackage claim) took itself again for every such
 * acknowledgement, the relay could push a suspected device's request back at will and see
 * whether the token came late; and anything the device did differently while it waited (an
 * earlier version held its whole session: one device's acknowledgements stopped, in a flood to
 * every device) named it. Acknowledgements still start the quiet period (a post right after
 * one would be paired with the push it answers), but only requests the device makes of its
 * own accord make the wait start again. The real send scheduler and the watched transport.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ClaimPacing } from '../src/claimPacing.ts';
import type { SlotParams } from '../src/privacyLevel.ts';
import { SendScheduler } from '../src/sendScheduler.ts';
import { watchSession } from '../src/sessionWatch.ts';
import type { Transport, WebSocketLike } from '../src/transport.ts';

const P: SlotParams = { level: 'balanced', quietMs: 500, busyGapMs: 800, idleGapMs: undefined, maxDelayMs: 60_000 };

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function device() {
  const scheduler = new SendScheduler({ outbox: () => ({ pending: 0, entries: [] }) as never, params: () => P, cover: async () => undefined, freshPoster: () => ({ post: async () => undefined, close: () => undefined }) });
  const socket = { binaryType: '', readyState: 1, send: () => undefined, close: () => undefined, onopen: null, onclose: null, onerror: null, onmessage: null } as WebSocketLike;
  const transport: Transport = { fetch: (async () => new Response('{}')) as unknown as typeof fetch, openWebSocket: () => socket };
  const watched = watchSession(transport, scheduler);
  const inbox = watched.openWebSocket('wss://relay.example/v1/inbox');
  /** Every wait the pacing takes: one, unless it had to start again. */
  const waits: number[] = [];
  const pacing = new ClaimPacing({ params: () => P, session: scheduler, sleep: (ms) => (waits.push(ms), new Promise((r) => setTimeout(r, ms))) });
  return { scheduler, watched, inbox, waits, pacing };
}

/** Runs `go` while the relay pushes every 100 ms and the device acknowledges each push. */
async function underPushFlood(d: ReturnType<typeof device>, go: () => Promise<void>, also?: (tick: number) => void): Promise<void> {
  let done = false;
  void go().then(() => (done = true));
  for (let tick = 0; !done && tick < 2_000; tick++) {
    d.inbox.send(JSON.stringify({ type: 'ack', items: [['m', `e${tick}`]] }));
    also?.(tick);
    await vi.advanceTimersByTimeAsync(100);
  }
  expect(done).toBe(true);
}

it("acknowledgements of the relay's pushes do not make the wait start again", async () => {
  const d = device();
  await underPushFlood(d, () => d.pacing.pause());
  expect(d.waits).toHaveLength(1);
});

it('but they do start a quiet period: the send scheduler still waits one out after each', () => {
  const d = device();
  d.inbox.send(JSON.stringify({ type: 'ack', items: [['m', 'e']] }));
  expect(d.scheduler.quietLeft()).toBe(P.quietMs);
});

it('a request the device makes of its own accord during the wait (a subscribe, a token fetch) still does', async () => {
  const d = device();
  await underPushFlood(d, () => d.pacing.pause(), (tick) => {
    if (tick === 2) void d.watched.fetch('https://relay.example/v1/tokens');
    if (tick === 3) d.inbox.send(JSON.stringify({ type: 'subscribe', mailboxes: [] }));
  });
  expect(d.waits.length).toBeGreaterThan(1);
});
