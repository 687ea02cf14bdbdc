/**
 * @module syncLoop-poke.test
 * A contact-book edit must reach the person's other devices soon: the edit runs alone under the
 * loop's lock (cutting the listening round short), then pokes the loop, whose next round's
 * afterRound pushes the book. The poke comes between rounds, when there is no wait to cut, so it
 * used to do nothing: the edit waited a whole listening round (6 s) before it was pushed.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { SyncLoop } from '../src/session/syncLoop.ts';

beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => void vi.useRealTimers());

/** An engine whose listening round waits `waitMs` or until aborted, and a book that counts edits. */
function loopWithBook() {
  const book = { edits: 0, pushed: [] as number[] };
  const client = {
    sync: ({ waitMs, signal }: { waitMs: number; signal: AbortSignal }) =>
      new Promise<void>((r) => {
        signal.addEventListener('abort', () => r());
        setTimeout(r, waitMs);
      }),
  } as unknown as HardlineClient;
  const loop = new SyncLoop(client, {
    changed: () => undefined,
    status: () => undefined,
    revoked: () => undefined,
    // The round's book sync: what it pushes is the book as it stands.
    afterRound: async () => void book.pushed.push(book.edits),
  });
  /** An edit as contactBookAdapter makes one: alone under the lock, then a poke. */
  const edit = async () => {
    await loop.exclusive(async () => void book.edits++);
    loop.poke();
  };
  return { loop, book, edit };
}

it('an edit made while the loop listens is pushed by the next round at once, not a listening round later', async () => {
  const { loop, book, edit } = loopWithBook();
  loop.start();
  await vi.advanceTimersByTimeAsync(10);
  await edit();
  await vi.advanceTimersByTimeAsync(50);
  expect(book.pushed).toContain(1);
  loop.stop();
});

it('after serving the poke, the loop listens full rounds again (the poke is not kept for ever)', async () => {
  const { loop, book, edit } = loopWithBook();
  loop.start();
  await vi.advanceTimersByTimeAsync(10);
  await edit();
  await vi.advanceTimersByTimeAsync(50);
  const rounds = book.pushed.length;
  await vi.advanceTimersByTimeAsync(5_000);
  expect(book.pushed.length).toBe(rounds);
  loop.stop();
});
