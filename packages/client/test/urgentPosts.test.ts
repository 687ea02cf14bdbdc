/**
 * The outbox's urgent flush (urgentPosts.ts) against a recording poster that notes each post's
 * wake mark: only the envelopes queued urgent wake at once; the same conversation's envelopes
 * queued before them go along marked `later`; every other conversation's, and what was queued
 * after, stay for their slots. An urgent envelope that could not be posted loses its urgency, so
 * the next urgent flush (an insider ringing again) does not post it unmarked. A caller waiting
 * on the send scheduler for an envelope the urgent flush took along hears it was posted.
 */
import { describe, expect, it } from 'vitest';
import { deriveSealKey, HardlineError, randomBytes, sealEnvelope, toHex, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import type { DeviceState } from '../src/deviceState.ts';
import type { PostSender } from '../src/ingressPoster.ts';
import type { OutgoingPost } from '../src/poster.ts';
import { Outbox } from '../src/outbox.ts';
import type { SlotParams } from '../src/privacyLevel.ts';
import { SendScheduler } from '../src/sendScheduler.ts';
import type { QueueTag } from '../src/urgentPosts.ts';

function setup() {
  const state = { outbox: [] } as unknown as DeviceState;
  const posted: { id: string; wake: 'now' | 'later' }[] = [];
  const refuse = new Set<string>();
  const poster = (wake: 'now' | 'later'): PostSender => ({
    post: async (p: OutgoingPost) => {
      if (refuse.has(p.envelope.envelopeId)) throw new HardlineError('UNAVAILABLE', 'relay down');
      posted.push({ id: p.envelope.envelopeId, wake });
    },
    close: () => undefined,
    ...(wake === 'now' ? { later: () => poster('later') } : {}),
  });
  const outbox = new Outbox({
    state: () => state,
    poster: () => poster('now'),
    sortFailures: async (batch, results) => ({ failed: batch.filter((_, i) => results[i]!.status === 'rejected'), readdressed: [], error: results.find((r) => r.status === 'rejected')?.reason }),
    save: async () => undefined,
  });
  const queue = async (tag: QueueTag) => {
    const mailbox = toHex(randomBytes(16)) as MailboxId;
    const env = await sealEnvelope(await deriveSealKey(randomBytes(32), 'seal', mailbox), mailbox, toHex(randomBytes(16)) as EnvelopeId, 1, randomBytes(40));
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env, tag);
    return env.envelopeId as string;
  };
  return { state, outbox, posted, refuse, queue };
}

describe('urgent flush', () => {
  it('posts the urgent envelopes now and their conversation’s earlier ones marked later; nothing else', async () => {
    const { outbox, posted, queue } = setup();
    const third = await queue({ conversation: 'carol' });
    const earlier = await queue({ conversation: 'mallory' });
    const ring = await queue({ conversation: 'mallory', urgent: true });
    const after = await queue({ conversation: 'mallory' });
    const untagged = await queue({});
    expect(await outbox.flush(true, { urgent: true })).toBe(2);
    expect(posted).toEqual([
      { id: earlier, wake: 'later' },
      { id: ring, wake: 'now' },
    ]);
    expect(outbox.entries.map((p) => p.conversation)).toEqual(['carol', 'mallory', undefined]);
    // The slots take the rest, marked later.
    posted.length = 0;
    await outbox.flush(true, { wake: 'later' });
    expect(posted).toEqual([third, after, untagged].map((id) => ({ id, wake: 'later' })));
  });

  it('with nothing urgent queued, posts nothing', async () => {
    const { outbox, posted, queue } = setup();
    await queue({ conversation: 'carol' });
    expect(await outbox.flush(true, { urgent: true })).toBe(0);
    expect(posted).toEqual([]);
    expect(outbox.pending).toBe(1);
  });

  it('an urgent envelope that failed waits for a slot: the next urgent flush does not post it unmarked', async () => {
    const { outbox, posted, refuse, queue } = setup();
    const commit = await queue({ conversation: 'carol-group', urgent: true });
    refuse.add(commit);
    await expect(outbox.flush(true, { urgent: true })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    refuse.clear();
    expect(outbox.entries[0]).not.toHaveProperty('urgent');
    const ring = await queue({ conversation: 'mallory', urgent: true });
    await outbox.flush(true, { urgent: true });
    expect(posted).toEqual([{ id: ring, wake: 'now' }]);
    await outbox.flush(true, { limit: 1, wake: 'later' });
    expect(posted.at(-1)).toEqual({ id: commit, wake: 'later' });
  });
});

describe('urgent flush and the send scheduler', () => {
  it('a caller waiting for its slot hears when an urgent flush took its envelope along, even if only cover slots follow', async () => {
    const { outbox, queue } = setup();
    const params: SlotParams = { level: 'balanced', quietMs: 20, busyGapMs: 5, idleGapMs: 5, maxDelayMs: 400 };
    const scheduler = new SendScheduler({ outbox: () => outbox, params: () => params, cover: async () => undefined, freshPoster: () => ({ post: async () => undefined, close: () => undefined }) });
    // Slots held (an authenticated request in flight) while the text waits and the ring goes.
    const end = scheduler.begin();
    await queue({ conversation: 'mallory' });
    const waiting = scheduler.flush();
    await queue({ conversation: 'mallory', urgent: true });
    expect(await outbox.flush(true, { urgent: true })).toBe(2);
    end();
    await expect(waiting).resolves.toBe(1);
    scheduler.stop();
  });
});
