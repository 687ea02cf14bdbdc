/**
 * The sender's side of a mailbox move, and the outbox around it, from the relay's and a removed
 * device's seats. The relay refuses a post with NO_MAILBOX (truthfully, the device moved; or as
 * a lie); an envelope is readdressed only to where the current roster says that device went,
 * re-sealed under the newest seal secret, and anything else stays queued or is dropped. The
 * outbox never loses what it could not post, nor posts what was not asked.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  encodeEnvelope,
  fromBase64Url,
  HardlineError,
  openEnvelope,
  PayloadKind,
  randomBytes,
  sealEnvelope,
  toBase64Url,
  toHex,
  type DeviceId,
  type EnvelopeId,
  type Handle,
  type MailboxId,
} from '@hardline/protocol';
import type { Conversation, DeviceState, QueuedPost } from '../src/deviceState.ts';
import type { PostSender } from '../src/ingressPoster.ts';
import type { OutgoingPost } from '../src/poster.ts';
import { Outbox } from '../src/outbox.ts';
import { sortFailures } from '../src/readdressPosts.ts';
import { SealKeys } from '../src/sealKeys.ts';

const hex16 = () => toHex(randomBytes(16));
const mailbox = () => hex16() as MailboxId;
const seal = new SealKeys();

function conversation(devices: { deviceId: DeviceId; mailboxId: MailboxId; sendCap: string }[], sealSecrets: string[], moved: Conversation['moved'] = [], left = false): Conversation {
  return {
    id: hex16(),
    roster: { v: 1, kind: 'group', name: 'g', members: ['bob' as Handle], devices: devices.map((d) => ({ ...d, handle: 'bob' as Handle })), sealSecrets },
    mlsState: '',
    mailbox: { id: mailbox(), readCap: toHex(randomBytes(32)) },
    moved,
    pending: [],
    messages: [],
    left,
  };
}

const stateWith = (...convs: Conversation[]): DeviceState => ({ conversations: Object.fromEntries(convs.map((c) => [c.id, c])), outbox: [] }) as unknown as DeviceState;

async function post(secret: string, to: MailboxId, body = 'hello'): Promise<QueuedPost> {
  const env = await sealEnvelope(await seal.conversation(secret, to), to, hex16() as EnvelopeId, PayloadKind.MLS, new TextEncoder().encode(body));
  return { sendCap: toHex(randomBytes(32)), envelope: toBase64Url(encodeEnvelope(env)) };
}

const refused = (code: string): PromiseSettledResult<unknown> => ({ status: 'rejected', reason: new HardlineError(code as never, 'refused') });
const ok: PromiseSettledResult<unknown> = { status: 'fulfilled', value: undefined };

async function opened(secret: string, p: QueuedPost): Promise<{ mailboxId: MailboxId; envelopeId: string; text: string }> {
  const env = decodeEnvelope(fromBase64Url(p.envelope));
  const o = await openEnvelope(await seal.conversation(secret, env.mailboxId), env);
  return { mailboxId: env.mailboxId, envelopeId: env.envelopeId, text: new TextDecoder().decode(o.body) };
}

describe('sortFailures: where a refused post goes', () => {
  const bobDev = '0'.repeat(31) + 'b' as DeviceId;

  it('a post to a mailbox its device left is re-sealed to the new one, under the newest secret, same id', async () => {
    const [older, newest] = [toHex(randomBytes(32)), toHex(randomBytes(32))];
    const oldBox = mailbox();
    const newBox = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const carol = { deviceId: '0'.repeat(31) + 'c' as DeviceId, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const c = conversation([carol, newBox], [newest, older], [{ from: oldBox, deviceId: bobDev, at: 1 }]);
    const p = await post(older, oldBox, 'sealed before the rotation');
    const s = await sortFailures(stateWith(c), seal, [p], [refused('NO_MAILBOX')]);
    expect(s.failed).toEqual([]);
    expect(s.error).toBeUndefined();
    expect(s.readdressed).toHaveLength(1);
    expect(s.readdressed[0]!.sendCap).toBe(newBox.sendCap);
    const o = await opened(newest, s.readdressed[0]!);
    expect(o).toEqual({ mailboxId: newBox.mailboxId, envelopeId: decodeEnvelope(fromBase64Url(p.envelope)).envelopeId, text: 'sealed before the rotation' });
  });

  it('follows the latest move recorded for that mailbox', async () => {
    const secret = toHex(randomBytes(32));
    const oldBox = mailbox();
    const gone = '0'.repeat(31) + 'c' as DeviceId;
    const to = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const c = conversation([to], [secret], [
      { from: oldBox, deviceId: gone, at: 1 },
      { from: oldBox, deviceId: bobDev, at: 2 },
    ]);
    const s = await sortFailures(stateWith(c), seal, [await post(secret, oldBox)], [refused('NO_MAILBOX')]);
    expect(s.readdressed.map((p) => p.sendCap)).toEqual([to.sendCap]);
  });

  it('drops it when the device is no longer in the roster, or the roster still names the refused mailbox', async () => {
    const secret = toHex(randomBytes(32));
    const oldBox = mailbox();
    const removed = conversation([], [secret], [{ from: oldBox, deviceId: bobDev, at: 1 }]);
    const s1 = await sortFailures(stateWith(removed), seal, [await post(secret, oldBox)], [refused('NO_MAILBOX')]);
    expect(s1).toEqual({ failed: [], readdressed: [], error: undefined });
    const same = conversation([{ deviceId: bobDev, mailboxId: oldBox, sendCap: toHex(randomBytes(32)) }], [secret], [{ from: oldBox, deviceId: bobDev, at: 1 }]);
    const s2 = await sortFailures(stateWith(same), seal, [await post(secret, oldBox)], [refused('NO_MAILBOX')]);
    expect(s2).toEqual({ failed: [], readdressed: [], error: undefined });
  });

  it('never re-seals an envelope it cannot open with the conversation’s secrets (planted junk)', async () => {
    const secret = toHex(randomBytes(32));
    const oldBox = mailbox();
    const to = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const c = conversation([to], [secret], [{ from: oldBox, deviceId: bobDev, at: 1 }]);
    const junk = await post(toHex(randomBytes(32)), oldBox, 'not this conversation’s');
    const s = await sortFailures(stateWith(c), seal, [junk], [refused('NO_MAILBOX')]);
    expect(s).toEqual({ failed: [], readdressed: [], error: undefined });
  });

  it('a move recorded in a conversation this device left does not readdress', async () => {
    const secret = toHex(randomBytes(32));
    const oldBox = mailbox();
    const to = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const left = conversation([to], [secret], [{ from: oldBox, deviceId: bobDev, at: 1 }], true);
    const s = await sortFailures(stateWith(left), seal, [await post(secret, oldBox)], [refused('NO_MAILBOX')]);
    expect(s).toEqual({ failed: [], readdressed: [], error: undefined });
  });

  it('a move recorded for another mailbox is not followed', async () => {
    const secret = toHex(randomBytes(32));
    const box = mailbox();
    const carolDev = '0'.repeat(31) + 'c' as DeviceId;
    const to = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const c = conversation([to, { deviceId: carolDev, mailboxId: box, sendCap: toHex(randomBytes(32)) }], [secret], [{ from: mailbox(), deviceId: bobDev, at: 1 }]);
    const p = await post(secret, box);
    const s = await sortFailures(stateWith(c), seal, [p], [refused('NO_MAILBOX')]);
    expect(s.readdressed).toEqual([]);
    expect(s.failed).toEqual([p]);
  });

  it('a mailbox no live roster names (nor any move) is dropped, whatever else the rosters hold', async () => {
    const secret = toHex(randomBytes(32));
    const c = conversation([{ deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) }], [secret]);
    delete c.moved; // a conversation where nobody ever moved
    const s = await sortFailures(stateWith(c), seal, [await post(secret, mailbox())], [refused('NO_MAILBOX')]);
    expect(s).toEqual({ failed: [], readdressed: [], error: undefined });
  });

  it('waits (stays queued, UNAVAILABLE) while the roster here still names that mailbox: the commit has not come yet', async () => {
    const secret = toHex(randomBytes(32));
    const box = mailbox();
    const c = conversation([{ deviceId: '0'.repeat(31) + 'c' as DeviceId, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) }, { deviceId: bobDev, mailboxId: box, sendCap: toHex(randomBytes(32)) }], [secret]);
    const p = await post(secret, box);
    const s = await sortFailures(stateWith(c), seal, [p], [refused('NO_MAILBOX')]);
    expect(s.failed).toEqual([p]);
    expect(s.readdressed).toEqual([]);
    expect(s.error).toMatchObject({ code: 'UNAVAILABLE' });
    // Not in a live conversation's roster: dropped.
    const s2 = await sortFailures(stateWith(conversation([{ deviceId: bobDev, mailboxId: box, sendCap: '00' }], [secret], [], true)), seal, [p], [refused('NO_MAILBOX')]);
    expect(s2).toEqual({ failed: [], readdressed: [], error: undefined });
  });

  it('other refusals stay queued in order and the first one is the error; posted ones go', async () => {
    const secret = toHex(randomBytes(32));
    const c = conversation([], [secret]);
    const [a, b, d] = [await post(secret, mailbox()), await post(secret, mailbox()), await post(secret, mailbox())];
    const s = await sortFailures(stateWith(c), seal, [a, b, d], [refused('MAILBOX_FULL'), ok, refused('RATE_LIMITED')]);
    expect(s.failed).toEqual([a, d]);
    expect(s.readdressed).toEqual([]);
    expect(s.error).toMatchObject({ code: 'MAILBOX_FULL' });
    // A refusal that is not a HardlineError (a dropped connection) stays queued too.
    const s2 = await sortFailures(stateWith(c), seal, [a], [{ status: 'rejected', reason: new TypeError('fetch failed') }]);
    expect(s2.failed).toEqual([a]);
    expect(s2.error).toBeInstanceOf(TypeError);
  });
});

/** A relay that records posts and refuses those the test names. */
function fakeRelay(refuse: (p: OutgoingPost, n: number) => Error | undefined = () => undefined) {
  const posted: { mailboxId: string; via: string }[] = [];
  let n = 0;
  const make = (via: string): PostSender => ({
    async post(p) {
      const e = refuse(p, n++);
      await new Promise((r) => setTimeout(r, 1));
      if (e) throw e;
      posted.push({ mailboxId: p.envelope.mailboxId, via });
    },
    close() {},
    later: () => make('later'),
  });
  return { posted, sender: make('now') };
}

describe('Outbox', () => {
  const setup = (refuse?: Parameters<typeof fakeRelay>[0], sort?: ConstructorParameters<typeof Outbox>[0]['sortFailures']) => {
    const state = { conversations: {}, outbox: [] } as unknown as DeviceState;
    const relay = fakeRelay(refuse);
    let saves = 0;
    const outbox = new Outbox({
      state: () => state,
      poster: () => relay.sender,
      sortFailures: sort ?? ((batch, results) => sortFailures(state, seal, batch, results)),
      save: async () => void saves++,
    });
    return { state, relay, outbox, saves: () => saves };
  };
  const env = (to: MailboxId) => ({ mailboxId: to, envelopeId: hex16() as EnvelopeId, payload: new Uint8Array(256) });

  it('posts in order and empties the queue; an empty queue posts nothing and saves nothing', async () => {
    const { state, relay, outbox, saves } = setup();
    expect(await outbox.flush()).toBe(0);
    expect(saves()).toBe(0);
    const boxes = [mailbox(), mailbox(), mailbox()];
    for (const b of boxes) outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(b));
    expect(outbox.pending).toBe(3);
    expect(outbox.head).toBe(state.outbox[0]);
    expect(outbox.entries).toHaveLength(3);
    expect(await outbox.flush()).toBe(3);
    expect(relay.posted.map((p) => p.mailboxId)).toEqual(boxes);
    expect(state.outbox).toEqual([]);
    expect(saves()).toBe(1);
  });

  it('a slot posts only its limit, the oldest first, and with wake "later" on the delaying poster', async () => {
    const { state, relay, outbox } = setup();
    const boxes = [mailbox(), mailbox(), mailbox()];
    for (const b of boxes) outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(b));
    expect(await outbox.flush(true, { limit: 1, wake: 'later' })).toBe(1);
    expect(relay.posted).toEqual([{ mailboxId: boxes[0], via: 'later' }]);
    expect(state.outbox.map((p) => decodeEnvelope(fromBase64Url(p.envelope)).mailboxId)).toEqual(boxes.slice(1));
    // A poster of the slot's own is used instead of the default one.
    const own = fakeRelay();
    expect(await outbox.flush(true, { limit: 1, poster: own.sender })).toBe(1);
    expect(own.posted).toEqual([{ mailboxId: boxes[1], via: 'now' }]);
    expect(relay.posted).toHaveLength(1);
    // A poster without `later` is used as it is for a 'later' slot.
    const plain = { post: own.sender.post, close() {} };
    expect(await outbox.flush(true, { poster: plain, wake: 'later' })).toBe(1);
    expect(own.posted.at(-1)).toEqual({ mailboxId: boxes[2], via: 'now' });
  });

  it('what the relay refused stays queued, ahead of what came after, and the error keeps its code', async () => {
    const full = mailbox();
    const { state, relay, outbox } = setup((p) => (p.envelope.mailboxId === full ? new HardlineError('MAILBOX_FULL', 'full') : undefined));
    const other = mailbox();
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(full));
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(other));
    await expect(outbox.flush()).rejects.toMatchObject({ code: 'MAILBOX_FULL', message: expect.stringContaining('1 envelope(s)') });
    expect(relay.posted.map((p) => p.mailboxId)).toEqual([other]);
    expect(state.outbox.map((p) => decodeEnvelope(fromBase64Url(p.envelope)).mailboxId)).toEqual([full]);
  });

  it('a refusal that is no HardlineError is reported as UNAVAILABLE', async () => {
    const { state, outbox } = setup(() => new TypeError('socket hang up'));
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(mailbox()));
    await expect(outbox.flush()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('socket hang up') });
    expect(state.outbox).toHaveLength(1);
  });

  it('overlapping flushes (a slot and a call signal) neither lose nor repeat a post', async () => {
    const { state, relay, outbox } = setup();
    const boxes = Array.from({ length: 6 }, mailbox);
    for (const b of boxes.slice(0, 3)) outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(b));
    const first = outbox.flush(true, { limit: 2 });
    for (const b of boxes.slice(3)) outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(b));
    const second = outbox.flush();
    expect([await first, await second]).toEqual([2, 4]);
    expect(relay.posted.map((p) => p.mailboxId)).toEqual(boxes);
    expect(state.outbox).toEqual([]);
  });

  it('a failed flush does not block the next one', async () => {
    let fail = true;
    const { state, outbox } = setup(() => (fail ? new HardlineError('UNAVAILABLE', 'down') : undefined));
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(mailbox()));
    await expect(outbox.flush()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    fail = false;
    expect(await outbox.flush()).toBe(1);
    expect(state.outbox).toEqual([]);
  });

  it('a readdressed post goes out once more in the same flush, and counts once', async () => {
    const secret = toHex(randomBytes(32));
    const oldBox = mailbox();
    const bobDev = '0'.repeat(31) + 'b' as DeviceId;
    const to = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const c = conversation([to], [secret], [{ from: oldBox, deviceId: bobDev, at: 1 }]);
    const { state, relay, outbox } = setup((p) => (p.envelope.mailboxId === oldBox ? new HardlineError('NO_MAILBOX', 'retired') : undefined));
    state.conversations[c.id] = c;
    const stale = await post(secret, oldBox, 'to the old box');
    const fine = mailbox();
    state.outbox.push(stale);
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(fine));
    expect(await outbox.flush()).toBe(2);
    expect(relay.posted.map((p) => p.mailboxId)).toEqual([fine, to.mailboxId]);
    expect(state.outbox).toEqual([]);
  });

  it('the count after a readdress: every post that went, in either pass', async () => {
    const secret = toHex(randomBytes(32));
    const oldBox = mailbox();
    const flaky = mailbox();
    const bobDev = '0'.repeat(31) + 'b' as DeviceId;
    const to = { deviceId: bobDev, mailboxId: mailbox(), sendCap: toHex(randomBytes(32)) };
    const c = conversation([to], [secret], [{ from: oldBox, deviceId: bobDev, at: 1 }]);
    let flakyOnce = true;
    const { state, relay, outbox } = setup((p) => {
      if (p.envelope.mailboxId === oldBox) return new HardlineError('NO_MAILBOX', 'retired');
      if (p.envelope.mailboxId === flaky && flakyOnce) return (flakyOnce = false), new HardlineError('UNAVAILABLE', 'blip');
      return undefined;
    });
    state.conversations[c.id] = c;
    state.outbox.push(await post(secret, oldBox));
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(flaky));
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(mailbox()));
    expect(await outbox.flush()).toBe(3);
    expect(relay.posted).toHaveLength(3);
    expect(state.outbox).toEqual([]);
  });

  it('a readdressed post refused again is not readdressed a third time in the same flush', async () => {
    const calls: number[] = [];
    const { state, outbox } = setup(
      () => new HardlineError('NO_MAILBOX', 'retired'),
      async (batch) => {
        calls.push(batch.length);
        return { failed: [], readdressed: [...batch], error: undefined };
      },
    );
    outbox.queue({ sendCap: toHex(randomBytes(32)) }, env(mailbox()));
    await outbox.flush();
    expect(calls).toEqual([1, 1]);
    expect(state.outbox).toHaveLength(1);
  });
});
