/**
 * The send scheduler against an in-memory outbox and a recording poster: one queued envelope
 * a slot, oldest first, each on a poster (connection) of its own; no slot while an
 * authenticated request is in flight; a closed client refuses to flush and keeps the queue.
 * Real timers with tiny gaps; nothing asserts on speed.
 */
import { describe, expect, it } from 'vitest';
import { deriveSealKey, HardlineError, randomBytes, sealEnvelope, toHex, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import type { DeviceState } from '../src/deviceState.ts';
import type { OutgoingPost } from '../src/poster.ts';
import { Outbox } from '../src/outbox.ts';
import { SendScheduler } from '../src/sendScheduler.ts';
import type { SlotParams } from '../src/privacyLevel.ts';

const PARAMS: SlotParams = { level: 'balanced', quietMs: 30, busyGapMs: 5, idleGapMs: undefined, maxDelayMs: 5_000 };

async function setup() {
  const state = { outbox: [] } as unknown as DeviceState;
  const posted: { poster: number; id: string; at: number }[] = [];
  let posters = 0;
  const outbox = new Outbox({
    state: () => state,
    // Level off's path: everything at once, on the one shared poster (number 0).
    poster: () => ({ post: async (p: OutgoingPost) => void posted.push({ poster: 0, id: p.envelope.envelopeId, at: Date.now() }), close: () => undefined }),
    sortFailures: async (batch, results) => ({ failed: batch.filter((_, i) => results[i]!.status === 'rejected'), readdressed: [], error: results.find((r) => r.status === 'rejected')?.reason }),
    save: async () => undefined,
  });
  const scheduler = new SendScheduler({
    outbox: () => outbox,
    params: () => PARAMS,
    cover: async () => undefined,
    freshPoster: () => {
      const n = ++posters;
      return { post: async (p: OutgoingPost) => void posted.push({ poster: n, id: p.envelope.envelopeId, at: Date.now() }), close: () => undefined };
    },
  });
  const queue = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const mailbox = toHex(randomBytes(16)) as MailboxId;
      const env = await sealEnvelope(await deriveSealKey(randomBytes(32), 'seal', mailbox), mailbox, toHex(randomBytes(16)) as EnvelopeId, 1, randomBytes(40));
      outbox.queue({ sendCap: toHex(randomBytes(32)) }, env);
      ids.push(env.envelopeId);
    }
    return ids;
  };
  return { outbox, scheduler, posted, queue };
}

describe('send scheduler', () => {
  it('posts one envelope a slot, oldest first, each on a connection of its own', async () => {
    const { scheduler, posted, queue } = await setup();
    const ids = await queue(5);
    expect(await scheduler.flush()).toBe(5);
    expect(posted.map((p) => p.id)).toEqual(ids);
    expect(new Set(posted.map((p) => p.poster)).size).toBe(5);
    scheduler.stop();
  });

  it('holds every slot while an authenticated request is in flight, and for the quiet period after', async () => {
    const { scheduler, posted, queue } = await setup();
    await queue(2);
    const end = scheduler.begin();
    const done = scheduler.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(posted).toEqual([]);
    end();
    const ended = Date.now();
    await done;
    expect(posted.every((p) => p.at - ended >= PARAMS.quietMs)).toBe(true);
    scheduler.stop();
  });

  it('refuses to flush once closed, and keeps what was queued', async () => {
    const { scheduler, outbox, posted, queue } = await setup();
    await queue(2);
    const pending = scheduler.flush();
    scheduler.stop();
    await expect(pending).rejects.toBeInstanceOf(HardlineError);
    await expect(scheduler.flush()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(outbox.pending + posted.length).toBe(2);
  });
});
