/**
 * @module drainAck-hostile.test
 * A network observer on the relay's link watches a closed web app's service worker read its
 * inbox at a Web Push wake-up, and wants to know whether the read found a real message. The relay
 * pads every drain to at least 4 envelopes with cover, so the download says nothing; this is the
 * upload. The device used to ack each batch as soon as it was processed: cover dropped at once,
 * a real envelope decrypted and saved first, so an empty read uploaded its acks right after the
 * download and closed, and a read with a message acked later, in another number of frames, and
 * closed later. Here the observer records the client's upload frames on the inbox socket (what
 * they are, and when, from "drained") and its close: an empty read (4 covers) and a read with one
 * real envelope and 3 covers must look the same. drainAck.ts is under test, through inboxRound.ts.
 *
 * The inbox is a stand-in (support/standInInbox.ts); time is faked (setTimeout and Date), and the
 * real envelope's processing (decryption, then the state's save) takes 300 + 200 ms of it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Envelope, MailboxId } from '@hardline/protocol';
import type { ReceivedMessage } from '../src/envelopeReceiver.ts';
import type { Transport, WebSocketLike } from '../src/transport.ts';
import { DRAIN_ACK_MIN_MS } from '../src/drainAck.ts';
import { envelope, roundSeat, StandInInbox, type StandInConnection } from './support/standInInbox.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => vi.useRealTimers());

const settle = () => new Promise<void>((r) => setImmediate(r));
const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What the observer sees the client send on the inbox socket, in ms after "drained". */
type Upload = { readonly at: number; readonly type: string; readonly items: number };
type Seen = { uploads: Upload[]; closedAt: number | undefined; acked: string[] };

/** The stand-in relay, with an observer on its link noting each upload frame and the close. */
function watchedInbox(): { inbox: StandInInbox; seen: () => Seen } {
  const inbox = new StandInInbox();
  const open = inbox.transport.openWebSocket.bind(inbox.transport);
  const log: { at: number; type: string; items: number }[] = [];
  let drainedAt: number | undefined;
  let closedAt: number | undefined;
  let conn: StandInConnection | undefined;
  const transport: Transport = {
    ...inbox.transport,
    openWebSocket(url: string): WebSocketLike {
      const c = open(url) as StandInConnection;
      conn = c;
      const send = c.send.bind(c);
      c.send = (data) => {
        const msg = JSON.parse(String(data)) as { type: string; items?: unknown[] };
        log.push({ at: Date.now(), type: msg.type, items: msg.items?.length ?? 0 });
        send(data);
      };
      const drained = c.drained.bind(c);
      c.drained = () => {
        drainedAt = Date.now();
        drained();
      };
      const close = c.close.bind(c);
      c.close = (code) => {
        closedAt = Date.now();
        close(code);
      };
      return c;
    },
  };
  Object.defineProperty(inbox, 'transport', { value: transport });
  return {
    inbox,
    seen: () => ({
      uploads: log.filter((u) => u.type === 'ack').map((u) => ({ ...u, at: u.at - drainedAt! })),
      closedAt: closedAt === undefined ? undefined : closedAt - drainedAt!,
      acked: [...(conn?.acked ?? [])],
    }),
  };
}

/** One device's mailbox, whose envelopes are real; everything else is the relay's cover. */
const MINE = 'aa'.repeat(16) as MailboxId;
const real = (): Envelope => ({ ...envelope(), mailboxId: MINE });

/** A receiver like the real one: cover dropped at once, a real envelope decrypted (300 ms). */
const receiver = {
  onControl: undefined,
  joinedUnsubscribed: false,
  async process(env: Envelope, received: ReceivedMessage[]): Promise<boolean> {
    if (env.mailboxId !== MINE) return false;
    await later(300);
    received.push({ conversation: 'c', from: 'bob' as ReceivedMessage['from'], text: env.envelopeId, sentAt: '', receivedAt: '' });
    return true;
  },
};

/** A read (`waitMs` 0) of `envelopes`, the relay's ack delay fixed by `delay` when given. */
async function read(envelopes: Envelope[], delay?: () => number, processMs = 300): Promise<Seen & { received: number }> {
  const { inbox, seen } = watchedInbox();
  inbox.script = () => ({ envelopes });
  const slowReceiver = { ...receiver, process: async (e: Envelope, r: ReceivedMessage[]) => (e.mailboxId === MINE && (await later(processMs - 300)), receiver.process(e, r)) };
  const t = roundSeat(inbox, { receiver: slowReceiver as never, save: () => later(200) }, delay);
  const round = t.round.sync();
  await vi.advanceTimersByTimeAsync(10_000);
  const received = (await round).length;
  return { ...seen(), received };
}

const covers = (n: number) => Array.from({ length: n }, () => envelope());

describe('an observer on the relay link, at a closed app’s read', () => {
  it('an empty read and a read with a message upload the same: one ack frame for all 4, sent no sooner than 500 ms after "drained", then close', async () => {
    for (const random of [0, 0.5, 0.999]) {
      const delay = () => 500 + random * 1_000;
      const empty = covers(4);
      const withMessage = [real(), ...covers(3)];
      const a = await read(empty, delay);
      const b = await read(withMessage, delay);
      expect(a.received).toBe(0);
      expect(b.received).toBe(1);
      // The same frames, at the same time, and the same close.
      expect(a.uploads).toEqual(b.uploads);
      expect(a.closedAt).toEqual(b.closedAt);
      expect(a.uploads).toHaveLength(1);
      expect(a.uploads[0]!.items).toBe(4);
      expect(a.uploads[0]!.at).toBeGreaterThanOrEqual(DRAIN_ACK_MIN_MS);
      expect(a.uploads[0]!.at).toBe(delay());
      // Every envelope acknowledged before the close: nothing comes again.
      expect(new Set(a.acked)).toEqual(new Set(empty.map((e) => e.envelopeId)));
      expect(new Set(b.acked)).toEqual(new Set(withMessage.map((e) => e.envelopeId)));
      expect(a.closedAt).toBeGreaterThanOrEqual(a.uploads[0]!.at);
    }
  });

  it('with the random delay: one frame of 4 either way, no sooner than 500 ms after "drained"', async () => {
    for (let i = 0; i < 5; i++) {
      for (const envelopes of [covers(4), [real(), ...covers(3)]]) {
        const s = await read(envelopes);
        expect(s.uploads.map((u) => u.items)).toEqual([4]);
        expect(s.uploads[0]!.at).toBeGreaterThanOrEqual(DRAIN_ACK_MIN_MS);
        expect(s.closedAt).toBeGreaterThanOrEqual(s.uploads[0]!.at);
      }
    }
  });

  it('processing slower than the delay: still one frame, once it is done (acked only after the save)', async () => {
    const s = await read([real(), ...covers(3)], () => 500, 2_000);
    expect(s.received).toBe(1);
    expect(s.uploads).toEqual([{ at: 2_000 + 200, type: 'ack', items: 4 }]);
  });
});

describe('envelopes arriving one at a time, as from a real socket', () => {
  /** A read whose drain the relay sends an envelope per event-loop turn, then "drained". */
  async function trickled(envelopes: Envelope[]): Promise<Seen> {
    const { inbox, seen } = watchedInbox();
    inbox.script = () => ({ drained: false });
    const t = roundSeat(inbox, { receiver: receiver as never, save: () => later(200) }, () => 800);
    const round = t.round.sync();
    await settle();
    for (const e of envelopes) {
      inbox.connections[0]!.push(e);
      await settle();
    }
    inbox.connections[0]!.drained();
    await vi.advanceTimersByTimeAsync(10_000);
    await round;
    return seen();
  }

  it('an empty read and a read with a message: one frame of 4, at the same time after "drained"', async () => {
    const a = await trickled(covers(4));
    const b = await trickled([...covers(2), real(), ...covers(1)]);
    expect(a.uploads).toEqual([{ at: 800, type: 'ack', items: 4 }]);
    expect(b.uploads).toEqual(a.uploads);
    expect(b.closedAt).toEqual(a.closedAt);
  });
});

describe('the drain ack and the round’s other ends', () => {
  it('a listening round: the drain goes in one frame, then live envelopes are acked as they are processed', async () => {
    const { inbox, seen } = watchedInbox();
    inbox.script = () => ({ envelopes: [real(), ...covers(3)] });
    const t = roundSeat(inbox, { receiver: receiver as never, save: () => later(200) }, () => 1_000);
    const round = t.round.sync({ waitMs: 60_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen().uploads).toEqual([{ at: 1_000, type: 'ack', items: 4 }]);
    const live = real();
    inbox.connections[0]!.push(live);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen().uploads.map((u) => u.items)).toEqual([4, 1]);
    expect(seen().acked).toContain(live.envelopeId);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await round).toHaveLength(2);
  });

  it('aborted while the drain ack waits: the frame goes at once, before the close', async () => {
    const { inbox, seen } = watchedInbox();
    const drain = covers(4);
    inbox.script = () => ({ envelopes: drain });
    const t = roundSeat(inbox, { receiver: receiver as never }, () => 1_400);
    const stop = new AbortController();
    let done = false;
    const round = t.round.sync({ waitMs: 60_000, signal: stop.signal }).then(() => (done = true));
    await settle();
    expect(seen().uploads).toEqual([]);
    stop.abort();
    await settle();
    expect(done).toBe(true);
    expect(seen().uploads).toEqual([{ at: 0, type: 'ack', items: 4 }]);
    expect(new Set(seen().acked)).toEqual(new Set(drain.map((e) => e.envelopeId)));
    expect(inbox.connections[0]!.closedByClient).toBe(1000);
    await round;
  });

  it('the relay closes while the drain ack waits: the round fails, nothing is acked (it comes again)', async () => {
    const { inbox, seen } = watchedInbox();
    inbox.script = () => ({ envelopes: covers(4) });
    const t = roundSeat(inbox, { receiver: receiver as never }, () => 1_000);
    const round = t.round.sync();
    const failed = expect(round).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await settle();
    inbox.connections[0]!.closeFromRelay(1011);
    await vi.advanceTimersByTimeAsync(2_000);
    await failed;
    expect(seen().uploads).toEqual([]);
  });
});
