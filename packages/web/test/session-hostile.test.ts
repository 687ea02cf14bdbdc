/**
 * The web session (session/session.ts) from the seats of a hostile relay, a look-alike member
 * and the operator timing posts. The engine under it is a recorder, so that each rule of the
 * session itself is seen: "verified" only for an unchanged key, a look-alike name shown with its
 * handle, receipts leaving only when due (or with a reply in their own chat) and never more than
 * the protocol's 1000 ids, a sign-out that erases and says so only afterwards.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation, HardlineClient } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { emptyMeta, MetaStore } from '../src/session/appMeta.ts';
import { Session } from '../src/session/session.ts';
import { conv, msg } from './fixtures.ts';

/** What the session sealed at rest, by record name (the app's meta is `app`). */
const kept = vi.hoisted(() => new Map<string, unknown>());
vi.mock('../src/platform/encryptedKv.ts', () => ({
  forgetStateKey: () => undefined,
  reopenStorage: () => undefined,
  sealedGet: async () => undefined,
  sealedPut: async (name: string, value: unknown) => void kept.set(name, structuredClone(value)),
  sealedPutJson: async () => undefined,
}));
/** The app's meta as a reload would find it. */
const savedMeta = () => kept.get('app') as ReturnType<typeof emptyMeta>;

const storage = new Map<string, string>();
beforeEach(() => {
  storage.clear();
  kept.clear();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
  vi.stubGlobal('addEventListener', () => undefined);
  vi.stubGlobal('removeEventListener', () => undefined);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

type Steps = {
  afterRound(): Promise<void>;
  tick(): Promise<void>;
  wipe(): Promise<void>;
  readonly meta: ReturnType<typeof emptyMeta>;
  revoked: boolean;
  erased: boolean;
  version: number;
} & Omit<Session, 'meta'>;

type Fake = ReturnType<typeof fakeEngine>;

function fakeEngine(convs: Conversation[] = []) {
  const log: string[] = [];
  const sendOptions: unknown[] = [];
  const taken: string[][] = [];
  const controls: { convId: string; ids: readonly string[]; id: string; sentAt: string }[] = [];
  const e = {
    handle: 'alice',
    pins: {} as Record<string, { key: string; changedTo?: string; verified?: boolean }>,
    dir: [] as { handle: string; displayName: string; phone?: string; email?: string; devices: { revoked: boolean }[] }[],
    unverifiable: [] as { handle: string; deviceId: string; reason: string }[],
    unsigned: [] as { handle: string; deviceId: string }[],
    split: undefined as undefined | { from?: string; detectedAt: string; reason?: string },
    outbox: 0,
    failSend: undefined as Error | undefined,
    convs,
    log,
    controls,
    sendOptions,
    taken,
  };
  const client = {
    get handle() {
      return e.handle;
    },
    conversations: () => e.convs,
    conversation: (id: string) => e.convs.find((c) => c.id === id),
    directory: () => e.dir,
    identityOf: (h: string) => e.pins[h],
    unverifiableDevices: () => e.unverifiable,
    unsignedRevocations: () => e.unsigned,
    splitView: () => e.split,
    foreignLogEntries: () => [1, 2],
    pendingOutbox: () => e.outbox,
    safetyNumber: (h: string) => ({ groups: [h] }),
    async send(to: string, text: string, o?: unknown) {
      log.push(`send ${to} ${text}`);
      sendOptions.push(o);
      if (e.failSend) throw e.failSend;
    },
    async sendControl(convId: string, m: { t: string; id: string; ids: readonly string[]; sentAt: string }) {
      log.push(`${m.t} ${convId} ${m.ids.length}`);
      controls.push({ convId, ids: m.ids, id: m.id, sentAt: m.sentAt });
    },
    async takeControls(which?: (c: { message: { t: string } }) => boolean) {
      log.push('takeControls');
      const sample = ['receipt', 'timer', 'call'].map((t) => ({ message: { t } }));
      taken.push(sample.filter((c) => (which ? which(c) : true)).map((c) => c.message.t));
      return [];
    },
    async reconcile(c: Conversation) {
      log.push(`reconcile ${c.id}`);
      throw new HardlineError('UNAVAILABLE', 'offline');
    },
    async forgetMessages(convId: string, ids: string[]) {
      log.push(`forget ${convId} ${ids.join(',')}`);
    },
    async updateConversation(id: string, u: unknown) {
      log.push(`update ${id} ${JSON.stringify(u)}`);
    },
    async acknowledgeIdentity(h: string) {
      log.push(`ack ${h}`);
    },
    async verifyIdentity(h: string, d: string) {
      log.push(`verify ${h} ${d}`);
      return d === '123';
    },
    async publishProfile(p: unknown) {
      log.push(`profile ${JSON.stringify(p)}`);
      return p;
    },
    async groupAdd(name: string, h: string) {
      log.push(`add ${name} ${h}`);
    },
    async groupRemove(name: string, h: string) {
      log.push(`remove ${name} ${h}`);
    },
    async leaveGroup(id: string) {
      log.push(`leave ${id}`);
    },
    close: () => void log.push('close'),
    devices: async () => (log.push('devices'), [{ deviceId: 'd1', current: true, revoked: false }]),
    createLinkCode: async () => (log.push('link'), 'CODE'),
    revokeDevice: async (id: string) => void log.push(`revoke ${id}`),
    groupCreate: async (name: string, m: string[]) => (log.push(`create ${name} ${m.join(',')}`), { id: 'newgroup' }),
  };
  return { e, client: client as unknown as HardlineClient };
}

const bookEntries: { hardlineHandle?: string; name: string }[] = [];
const bookChanged: { cb?: () => void } = {};
const bookSyncs: unknown[] = [];
function session(f: Fake, opts: { wipe?: () => Promise<void>; linkToDirectory?: () => Promise<void>; sync?: () => Promise<void> } = {}): Steps {
  const service = {
    list: () => bookEntries,
    onChange: (cb: () => void) => ((bookChanged.cb = cb), () => undefined),
    sync: async (o: unknown) => (bookSyncs.push(o), (opts.sync ?? (async () => undefined))()),
    linkToDirectory: opts.linkToDirectory ?? (async () => undefined),
    markContacted: async (h: string) => void f.e.log.push(`contacted ${h}`),
  };
  const store = { wipe: opts.wipe ?? (async () => void f.e.log.push('wipe')) };
  const ctor = Session as unknown as new (...args: unknown[]) => Steps;
  // The constructor is private and may gain the ingress hop (announcedIngress.ts) after the
  // client; the test does not depend on which.
  const args = Session.length === 5 ? [f.client, { url: undefined }, store, new MetaStore(emptyMeta()), service] : [f.client, store, new MetaStore(emptyMeta()), service];
  return new ctor(...args);
}

describe('what the session tells the user about keys', () => {
  it('"verified" only while the verified key is unchanged; a changed verified key is listed for the blocking alert', () => {
    const f = fakeEngine();
    f.e.dir = [
      { handle: 'alice', displayName: 'A', devices: [] },
      { handle: 'bob', displayName: 'B', devices: [] },
      { handle: 'carol', displayName: 'C', devices: [] },
      { handle: 'dave', displayName: 'D', devices: [] },
      { handle: 'eve', displayName: 'E', devices: [] }, // never pinned
    ];
    f.e.pins = {
      alice: { key: 'k', verified: true, changedTo: 'x' },
      bob: { key: 'k', verified: true },
      carol: { key: 'k', verified: true, changedTo: 'k2' },
      dave: { key: 'k', changedTo: 'k2' },
    };
    const s = session(f);
    expect(s.verified('bob')).toBe(true);
    expect(s.verified('carol')).toBe(false);
    expect(s.verified('dave')).toBe(false);
    expect(s.verified('nobody')).toBe(false);
    expect(s.keysChanged('carol')).toBe(true);
    expect(s.keysChanged('bob')).toBe(false);
    expect(s.keysChanged('nobody')).toBe(false);
    expect(s.verifiedButChanged()).toEqual(['carol']);
  });

  it('counts refused devices, unsigned revocations and devices missing from the log, per person', () => {
    const f = fakeEngine();
    f.e.unverifiable = [
      { handle: 'bob', deviceId: '1', reason: 'bad-certificate' },
      { handle: 'bob', deviceId: '2', reason: 'not-in-log' },
      { handle: 'bob', deviceId: '7', reason: 'not-in-log' },
      { handle: 'carol', deviceId: '3', reason: 'not-in-log' },
    ];
    f.e.unsigned = [
      { handle: 'bob', deviceId: '4' },
      { handle: 'carol', deviceId: '5' },
      { handle: 'carol', deviceId: '6' },
    ];
    const s = session(f);
    expect(s.unverifiableDevices('bob')).toBe(3);
    expect(s.notInLogDevices('bob')).toBe(2);
    expect(s.notInLogDevices('dave')).toBe(0);
    expect(s.unsignedRevocations('carol')).toBe(2);
    expect(s.unsignedRevocations('bob')).toBe(1);
    expect(s.foreignLogEntries()).toBe(2);
  });

  it('a split view: reported with its reason (a fork unless said otherwise); dismissed only for that detection', () => {
    const f = fakeEngine();
    const s = session(f);
    expect(s.splitView()).toBeUndefined();
    expect(s.splitViewDismissed()).toBe(false);
    s.dismissSplitView();
    expect(storage.size).toBe(0);
    f.e.split = { detectedAt: 't1' };
    expect(s.splitView()).toEqual({ detectedAt: 't1', reason: 'forked-log' });
    f.e.split = { from: 'bob', detectedAt: 't1', reason: 'different-log-key' };
    expect(s.splitView()).toEqual({ from: 'bob', detectedAt: 't1', reason: 'different-log-key' });
    expect(s.splitViewDismissed()).toBe(false);
    const v = s.version;
    s.dismissSplitView();
    expect(s.version).toBe(v + 1);
    expect(s.splitViewDismissed()).toBe(true);
    f.e.split = { detectedAt: 't2' };
    expect(s.splitViewDismissed()).toBe(false);
  });

  it('a name that looks like another person’s is shown with its handle; the book’s name first, then the directory’s', () => {
    const f = fakeEngine();
    f.e.dir = [
      { handle: 'bob', displayName: 'Bob Smith', devices: [] },
      { handle: 'b0b', displayName: 'Bob Smith', devices: [] },
      { handle: 'carol', displayName: 'Carol', devices: [] },
      { handle: 'dave', displayName: '', devices: [] },
    ];
    bookEntries.length = 0;
    bookEntries.push({ hardlineHandle: 'carol', name: 'Aunt Carol' });
    const s = session(f);
    s.dismissRecovery(); // the page re-renders (version moves) before the first name is asked
    expect(s.displayName('bob')).toBe('Bob Smith (@bob)');
    expect(s.displayName('b0b')).toBe('Bob Smith (@b0b)');
    expect(s.displayName('carol')).toBe('Aunt Carol');
    expect(s.displayName('dave')).toBe('dave');
    expect(s.displayName('zed')).toBe('zed');
    bookEntries.length = 0;
  });

  it('a user who enrols later under a look-alike of a contact’s name is shown with the handle from the next render on', () => {
    const f = fakeEngine();
    f.e.dir = [
      { handle: 'alice', displayName: 'Alice', devices: [] },
      { handle: 'bob', displayName: 'Bob Smith', devices: [] },
    ];
    const s = session(f);
    const events = (s as unknown as { loop: { events: { changed(): void } } }).loop.events;
    events.changed(); // a render
    expect(s.displayName('bob')).toBe('Bob Smith');
    // Mallory enrols as `b0b`, "B0b  Smith": the next round brings her into the directory and the page re-renders.
    f.e.dir = [...f.e.dir, { handle: 'b0b', displayName: 'B0b  Smith', devices: [] }];
    events.changed();
    expect(s.displayName('b0b')).toBe('B0b  Smith (@b0b)');
    expect(s.displayName('bob')).toBe('Bob Smith (@bob)');
    // Within one render the names are worked out once (the cache is per render, not per call).
    const directory = vi.spyOn(f.client, 'directory');
    s.displayName('alice');
    s.displayName('bob');
    expect(directory.mock.calls.length).toBeLessThan(2 + 2 * f.e.dir.length);
  });

  it('accepting keys and marking verified go through the engine lock', async () => {
    const f = fakeEngine();
    const s = session(f);
    await s.acceptKeys('bob');
    expect(await s.markVerified('bob', '123')).toBe(true);
    expect(await s.markVerified('bob', '124')).toBe(false);
    expect(f.e.log).toEqual(['ack bob', 'verify bob 123', 'verify bob 124']);
    expect(await s.safetyNumber('bob')).toEqual({ groups: ['bob'] });
  });
});

describe('receipts leave when due, or with a reply in their own chat', () => {
  it('a reply carries the receipts owed in its chat only; other chats’ receipts wait', async () => {
    const bobChat = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    const carolChat = conv('direct', ['alice', 'carol'], [msg('carol', 'yo')]);
    const f = fakeEngine([bobChat, carolChat]);
    const s = session(f);
    await s.afterRound();
    expect(Object.keys(s.meta.pendingReceipts).sort()).toEqual([bobChat.id, carolChat.id].sort());
    await s.send('d:carol', 'reply');
    expect(f.e.log.filter((l) => !l.startsWith('reconcile') && l !== 'takeControls')).toEqual(['send carol reply', `receipt ${carolChat.id} 1`, 'contacted carol']);
    expect(Object.keys(s.meta.pendingReceipts)).toEqual([bobChat.id]);
    // The send itself does not sync first: the listening round does.
    expect(f.e.sendOptions).toEqual([{ sync: false }]);
  });

  it('a message that arrived during the round rides along with the reply', async () => {
    const bobChat = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    const f = fakeEngine([bobChat]);
    const s = session(f);
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(a: T): T => ((a as unknown as Uint8Array).fill(5), a));
    await s.send('d:bob', 'reply');
    expect(f.e.controls[0]!.id).toBe('0505050505050505');
    expect(f.e.controls.map((c) => ({ convId: c.convId, ids: c.ids }))).toEqual([{ convId: bobChat.id, ids: [bobChat.messages[0]!.id] }]);
    expect(s.meta.pendingReceipts).toEqual({});
    // A fresh random receipt id each time (16 hex digits), stamped with the time it is sent.
    expect(f.e.controls[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Math.abs(Date.parse(f.e.controls[0]!.sentAt) - Date.now())).toBeLessThan(60_000);
    // The direct contact is marked contacted in the book.
    expect(f.e.log).toContain('contacted bob');
  });

  it('a first message to someone (no chat yet) sends, with no receipts to carry', async () => {
    const f = fakeEngine([conv('direct', ['alice', 'bob'], [msg('bob', 'hi')])]);
    const s = session(f);
    await s.send('d:zoe', 'hello');
    expect(f.e.controls).toEqual([]);
    expect(f.e.log[0]).toBe('send zoe hello');
  });

  it('a failed send keeps the receipts and marks own messages queued from then on', async () => {
    const bobChat = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    const f = fakeEngine([bobChat]);
    const s = session(f);
    f.e.failSend = new HardlineError('UNAVAILABLE', 'offline');
    f.e.outbox = 1;
    await expect(s.send('d:bob', 'reply')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(f.e.controls).toEqual([]);
    const mine = msg('alice', 'reply', new Date(Date.now() + 1_000).toISOString());
    bobChat.messages.push(mine);
    const status = () => s.chats()[0]!.messages.find((m) => m.id === mine.id)!.status;
    expect(status()).toBe('queued');
    f.e.outbox = 0; // the outbox drained: nothing is queued any more
    expect(status()).toBe('sent');
    f.e.outbox = 1;
    expect(status()).toBe('sent');
    // A send refused with nothing left in the outbox marks nothing queued.
    f.e.failSend = new HardlineError('USAGE', 'bad');
    f.e.outbox = 0;
    await expect(s.send('d:bob', 'again')).rejects.toMatchObject({ code: 'USAGE' });
    f.e.outbox = 1;
    expect(status()).toBe('sent');
  });

  it('a group is addressed by its name; an unknown or gone chat is NOT_FOUND', async () => {
    const g = conv('group', ['alice', 'bob'], [], 'team');
    const f = fakeEngine([g]);
    const s = session(f);
    await s.send(`g:${g.id}`, 'hello');
    expect(f.e.log[0]).toBe('send team hello');
    expect(f.e.log.some((l) => l.startsWith('contacted'))).toBe(false);
    await expect(s.send('g:nope', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the clock tick sends only what is due, at most 1000 ids, and drops receipts for conversations left', async () => {
    const many = Array.from({ length: 1_005 }, () => msg('bob', 'x'));
    const bobChat = conv('direct', ['alice', 'bob'], many);
    const carolChat = conv('direct', ['alice', 'carol'], [msg('carol', 'yo')]);
    const f = fakeEngine([bobChat, carolChat]);
    const s = session(f);
    const t0 = 1_900_000_000_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    await s.afterRound();
    s.meta.pendingReceipts[carolChat.id]!.dueAt = t0 + 40_000;
    s.meta.pendingReceipts['vanished'] = { ids: ['x'], dueAt: t0 }; // its conversation is gone
    const dueAt = s.meta.pendingReceipts[bobChat.id]!.dueAt;
    clock.mockReturnValue(dueAt - 1);
    await s.tick();
    expect(f.e.controls).toEqual([]);
    clock.mockReturnValue(dueAt);
    await s.tick();
    expect(f.e.controls.map((c) => [c.convId, c.ids.length])).toEqual([[bobChat.id, 1_000]]);
    expect(f.e.controls[0]!.ids).toEqual(many.slice(0, 1_000).map((m) => m.id));
    expect(Object.keys(s.meta.pendingReceipts)).toEqual([carolChat.id]);
    // Carol's conversation is left before hers fall due: nothing is sent into it.
    carolChat.left = true;
    clock.mockReturnValue(t0 + 40_000);
    await s.tick();
    expect(f.e.controls).toHaveLength(1);
    expect(s.meta.pendingReceipts).toEqual({});
  });

  it('expired messages are forgotten at the tick, with their delivered marks', async () => {
    const old = msg('alice', 'old', '2026-01-01T00:00:00.000Z');
    const fresh = msg('alice', 'fresh', '2026-01-01T00:00:50.000Z');
    const c = conv('direct', ['alice', 'bob'], [old, fresh]);
    const f = fakeEngine([c]);
    const s = session(f);
    s.meta.disappear['d:bob'] = { seconds: 60, setAt: '2026-01-01T00:00:00.000Z' };
    s.meta.delivered[old.id] = true;
    s.meta.delivered[fresh.id] = true;
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-01-01T00:01:01.000Z'));
    await s.tick();
    expect(f.e.log).toContain(`forget ${c.id} ${old.id}`);
    expect(s.meta.delivered).toEqual({ [fresh.id]: true });
  });

  it('a signed-out session ticks no more', async () => {
    const c = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    const f = fakeEngine([c]);
    const s = session(f);
    await s.afterRound();
    await s.wipe();
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 60_000);
    await s.tick();
    expect(f.e.controls).toEqual([]);
  });

  it('the round end takes receipts, timers and call signals out, and reconciles every conversation even if one fails', async () => {
    const a = conv('direct', ['alice', 'bob'], []);
    const b = conv('group', ['alice', 'bob'], [], 'g');
    const f = fakeEngine([a, b]);
    const s = session(f);
    await s.afterRound();
    expect(f.e.log).toEqual(['takeControls', 'takeControls', `reconcile ${a.id}`, `reconcile ${b.id}`]);
    expect(f.e.taken).toEqual([['receipt', 'timer'], ['call']]);
    // The book is pulled without running the engine again (the round just did).
    expect(bookSyncs.at(-1)).toEqual({ engine: false });
  });
});

describe('what the session keeps at rest, for a reload', () => {
  it('a receipt sent is no longer kept as owed: a reload does not send it a second time', async () => {
    const bobChat = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    const f = fakeEngine([bobChat]);
    const s = session(f);
    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000);
    await s.afterRound();
    expect(Object.keys(savedMeta().pendingReceipts)).toEqual([bobChat.id]);
    clock.mockReturnValue(s.meta.pendingReceipts[bobChat.id]!.dueAt);
    await s.tick();
    expect(f.e.controls).toHaveLength(1);
    expect(savedMeta().pendingReceipts).toEqual({});
  });

  it('the delivered marks a round read are kept before the engine drops the receipts that carried them', async () => {
    const mine = msg('alice', 'hello');
    const c = conv('direct', ['alice', 'bob'], [mine]);
    c.controls = [{ conversation: c.id, from: 'bob' as never, fromDevice: 'x' as never, message: { t: 'receipt', id: 'r', ids: [mine.id], sentAt: '' }, receivedAt: '' }];
    const f = fakeEngine([c]);
    const s = session(f);
    const atTake: boolean[] = [];
    const take = f.client.takeControls.bind(f.client);
    (f.client as unknown as { takeControls: typeof take }).takeControls = (which) => (atTake.push(savedMeta().delivered[mine.id] === true), take(which));
    await s.afterRound();
    expect(atTake[0]).toBe(true);
  });

  it('a chat read is kept as read', async () => {
    const c = conv('direct', ['alice', 'bob'], [msg('bob', 'a', '2026-01-01T00:00:01.000Z')]);
    const s = session(fakeEngine([c]));
    await s.markRead('d:bob');
    expect(savedMeta().readUpTo['d:bob']).toBe('2026-01-01T00:00:01.000Z');
  });
});

describe('the contact book’s round', () => {
  it('re-links when the directory changes or after 30 s; a revocation stops the round, other failures do not', async () => {
    const f = fakeEngine();
    f.e.dir = [{ handle: 'bob', displayName: 'B', devices: [{ revoked: false }] }];
    let links = 0;
    let fail: Error | undefined;
    const s = session(f, {
      linkToDirectory: async () => void links++,
      sync: async () => {
        if (fail) throw fail;
      },
    });
    const t0 = 1_900_000_000_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    await s.afterRound();
    expect(links).toBe(1);
    await s.afterRound();
    expect(links).toBe(1);
    f.e.dir = [{ handle: 'bob', displayName: 'B', devices: [{ revoked: true }] }];
    await s.afterRound();
    expect(links).toBe(2);
    f.e.dir = [{ handle: 'bob', displayName: 'B', phone: '+1', devices: [{ revoked: true }] }];
    await s.afterRound();
    expect(links).toBe(3);
    f.e.dir = [{ handle: 'bob', displayName: 'B', phone: '+2', devices: [{ revoked: true }] }];
    await s.afterRound();
    expect(links).toBe(4);
    f.e.dir = [{ handle: 'bob', displayName: 'B', phone: '+2', email: 'b@x', devices: [{ revoked: true }] }];
    await s.afterRound();
    f.e.dir = [{ handle: 'bob', displayName: 'B', phone: '+2', email: 'c@x', devices: [{ revoked: true }] }];
    await s.afterRound();
    expect(links).toBe(6);
    f.e.dir = [{ handle: 'bob', displayName: 'B', phone: '+2', email: 'c@x', devices: [{ revoked: true }, { revoked: false }] }];
    await s.afterRound();
    expect(links).toBe(7);
    clock.mockReturnValue(t0 + 30_000);
    await s.afterRound();
    expect(links).toBe(7);
    clock.mockReturnValue(t0 + 30_001);
    await s.afterRound();
    expect(links).toBe(8);
    fail = new HardlineError('UNAVAILABLE', 'offline');
    await expect(s.afterRound()).resolves.toBeUndefined();
    fail = new HardlineError('REVOKED', 'revoked');
    await expect(s.afterRound()).rejects.toMatchObject({ code: 'REVOKED' });
  });

  it('re-links when a change runs one person’s record into the next: the records are kept apart', async () => {
    // Handles may start with a digit: without a separator, "1ann" with 1 device then "2bob"
    // read the same as "1ann" with 12 devices then "bob", and the book kept pointing at 2bob.
    const f = fakeEngine();
    const devices = (n: number) => Array.from({ length: n }, () => ({ revoked: false }));
    f.e.dir = [
      { handle: '1ann', displayName: 'A', devices: devices(1) },
      { handle: '2bob', displayName: 'B', devices: devices(1) },
    ];
    let links = 0;
    const s = session(f, { linkToDirectory: async () => void links++ });
    vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000);
    await s.afterRound();
    expect(links).toBe(1);
    f.e.dir = [
      { handle: '1ann', displayName: 'A', devices: devices(12) },
      { handle: 'bob', displayName: 'B', devices: devices(1) },
    ];
    await s.afterRound();
    expect(links).toBe(2);
  });

  it('a round ending while the last book sync is still on its way starts no second one beside it', async () => {
    // The loop's lock keeps rounds apart in the app; this runs two outside it, so the guard
    // seen is the session's own (two syncs at once would each merge and push the same book).
    const f = fakeEngine();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let links = 0;
    const s = session(f, { sync: () => held, linkToDirectory: async () => void links++ });
    const before = bookSyncs.length;
    const first = s.afterRound();
    await vi.waitFor(() => expect(bookSyncs.length).toBe(before + 1));
    const second = s.afterRound();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(bookSyncs.length).toBe(before + 1);
    release();
    await Promise.all([first, second]);
    expect(links).toBe(1);
    // Once it ended, the next round syncs again.
    await s.afterRound();
    expect(bookSyncs.length).toBe(before + 2);
  });

  it('a local edit made while the loop waits out its offline backoff has it listen again at once, not after the pause', async () => {
    // The loop backs off up to 15 s between failed rounds; an edit is pushed only by a round's
    // book sync, so the edit asks for a round now (by then the network may well be back).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const f = fakeEngine([]);
      let offline = true;
      let rounds = 0;
      (f.client as unknown as { sync(o: { waitMs: number; signal: AbortSignal }): Promise<void> }).sync = ({ waitMs, signal }) => {
        rounds++;
        if (offline) return Promise.reject(new HardlineError('UNAVAILABLE', 'offline'));
        return new Promise<void>((r) => {
          signal.addEventListener('abort', () => r());
          setTimeout(r, waitMs);
        });
      };
      const s = session(f);
      const loop = (s as unknown as { loop: { start(): void; stop(): void } }).loop;
      loop.start();
      // Five failed rounds: the pause is now at its 15 s ceiling, 1 s of it gone.
      await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000 + 1_000);
      expect(rounds).toBe(5);
      offline = false;
      await s.book.markContacted('bob');
      await vi.advanceTimersByTimeAsync(0);
      expect(f.e.log).toContain('contacted bob');
      // The poked round listens for nothing (syncLoop.ts poke), so the next one has begun too.
      expect(rounds).toBeGreaterThanOrEqual(6);
      loop.stop();
      await vi.advanceTimersByTimeAsync(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('signing out', () => {
  it('erases, and only then says so; once', async () => {
    const f = fakeEngine();
    let release!: () => void;
    const s = session(f, { wipe: () => new Promise<void>((r) => (release = () => (f.e.log.push('wipe'), r()))) });
    const seen: boolean[] = [];
    s.subscribe(() => seen.push(s.erased));
    const done = s.wipe();
    await vi.waitFor(() => expect(release).toBeDefined());
    expect(s.revoked).toBe(true);
    expect(s.erased).toBe(false);
    expect(storage.get('hardline.signedOut')).toBe('1');
    expect(Session.wasSignedOut()).toBe(true);
    expect(f.e.log).toEqual(['close']);
    release();
    await done;
    expect(s.erased).toBe(true);
    expect(seen.at(-1)).toBe(true);
    await s.wipe();
    expect(f.e.log).toEqual(['close', 'wipe']);
    Session.clearSignedOut();
    expect(Session.wasSignedOut()).toBe(false);
  });

  it('a failed erasure logs only the error’s code, nothing the error says', async () => {
    const f = fakeEngine();
    const errors: unknown[][] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a));
    const s = session(f, { wipe: async () => Promise.reject(Object.assign(new Error('secret path /home/alice'), { code: 'EACCES' })) });
    await s.wipe();
    expect(s.erased).toBe(true);
    expect(errors).toEqual([['local data could not be erased', 'EACCES']]);
    const s2 = session(fakeEngine(), { wipe: async () => Promise.reject(new TypeError('secret')) });
    await s2.wipe();
    expect(errors[1]).toEqual(['local data could not be erased', 'TypeError']);
  });
});

describe('the listening loop’s events', () => {
  type Events = { changed(): void; status(x: string): void; revoked(): void; control(c: unknown): void };
  const events = (s: Steps) => (s as unknown as { loop: { events: Events } }).loop.events;

  it('a receipt or timer arriving mid-round shows at once; a call signal goes to the calls; status changes only once', async () => {
    const mine = msg('alice', 'hello');
    const c = conv('direct', ['alice', 'bob'], [mine]);
    const f = fakeEngine([c]);
    const s = session(f);
    const calls: unknown[] = [];
    (s as unknown as { calls: { onControl(x: unknown): void } }).calls = { onControl: (x) => void calls.push(x) };
    c.controls = [{ conversation: c.id, from: 'bob' as never, fromDevice: 'x' as never, message: { t: 'receipt', id: 'r', ids: [mine.id], sentAt: '' }, receivedAt: '' }];
    let v = s.version;
    events(s).control(c.controls[0]);
    expect(s.meta.delivered[mine.id]).toBe(true);
    expect(s.version).toBe(v + 1);
    const ring = { message: { t: 'call' } };
    v = s.version;
    events(s).control(ring);
    expect(calls).toEqual([c.controls[0], ring]);
    expect(s.version).toBe(v);
    events(s).status('online');
    expect(s.status).toBe('online');
    expect(s.version).toBe(v + 1);
    events(s).status('online');
    expect(s.version).toBe(v + 1);
    events(s).changed();
    expect(s.version).toBe(v + 2);
  });

  it('a timer arriving mid-round shows at once too; a control before the calls exist is harmless; the round end runs the session’s', async () => {
    const c = conv('direct', ['alice', 'bob'], []);
    const f = fakeEngine([c]);
    const s = session(f);
    expect(s.status).toBe('connecting');
    const t = { conversation: c.id, from: 'bob' as never, fromDevice: 'x' as never, message: { t: 'timer', id: 'tm', seconds: 60, sentAt: '2026-01-01T00:00:00.000Z' }, receivedAt: '2026-01-01T00:00:00.000Z' };
    c.controls = [t as never];
    const v = s.version;
    events(s).control(t); // no call manager yet
    expect(s.meta.disappear['d:bob']?.seconds).toBe(60);
    expect(s.version).toBe(v + 1);
    await (events(s) as unknown as { afterRound(): Promise<void> }).afterRound();
    expect(f.e.log).toContain('takeControls');
  });

  it('the contact book changing, and each subscriber until it unsubscribes, are told', () => {
    const s = session(fakeEngine());
    let told = 0;
    const off = s.subscribe(() => told++);
    bookChanged.cb!();
    expect(told).toBe(1);
    off();
    bookChanged.cb!();
    expect(told).toBe(1);
  });

  it('the loop hearing the device is revoked signs out', async () => {
    const f = fakeEngine();
    const s = session(f);
    events(s).revoked();
    await vi.waitFor(() => expect(s.erased).toBe(true));
    expect(f.e.log).toEqual(['close', 'wipe']);
  });

  it('a wipe does not wait for ever on a round that hangs (2 s), then erases', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const f = fakeEngine([conv('direct', ['alice', 'bob'], [])]);
      const s = session(f);
      (f.client as unknown as { send: () => Promise<void> }).send = () => new Promise<void>(() => undefined);
      void s.send('d:bob', 'stuck').catch(() => undefined);
      await new Promise((r) => setImmediate(r));
      const done = s.wipe();
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      await vi.advanceTimersByTimeAsync(1_999);
      expect(f.e.log).not.toContain('wipe');
      await vi.advanceTimersByTimeAsync(1);
      await done;
      expect(f.e.log).toContain('wipe');
      expect(s.erased).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('signing out stops the clock', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const s = session(fakeEngine());
      let ticks = 0;
      (s as unknown as { timer: unknown }).timer = setInterval(() => ticks++, 1_000);
      await s.wipe();
      vi.advanceTimersByTime(5_000);
      expect(ticks).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an erasure failing with no error at all still ends erased', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const s = session(fakeEngine(), { wipe: async () => Promise.reject(undefined) });
    await s.wipe();
    expect(s.erased).toBe(true);
  });

  it('signing out stops listening for the network coming back', async () => {
    const removed: unknown[][] = [];
    vi.stubGlobal('removeEventListener', (...a: unknown[]) => void removed.push(a));
    const f = fakeEngine();
    const s = session(f);
    await s.wipe();
    expect(removed).toEqual([['online', (s as unknown as { onOnline: unknown }).onOnline]]);
  });
});

describe('devices and the rest of the engine calls', () => {
  it('go through the engine lock, as they are', async () => {
    const f = fakeEngine();
    const s = session(f);
    expect(await s.devices()).toEqual([{ deviceId: 'd1', current: true, revoked: false }]);
    expect(await s.linkCode()).toBe('CODE');
    await s.revokeDevice('d2');
    expect(await s.createGroup('team', ['bob'])).toBe('g:newgroup');
    expect(f.e.log).toEqual(['devices', 'link', 'revoke d2', 'create team bob']);
    f.e.dir = [{ handle: 'bob', displayName: 'B', devices: [] }];
    expect(s.directory()).toBe(f.e.dir);
    expect(s.user('bob')).toBe(f.e.dir[0]);
    expect(s.user('zed')).toBeUndefined();
    s.recovery = 'damaged';
    const v = s.version;
    s.dismissRecovery();
    expect(s.recovery).toBeUndefined();
    expect(s.version).toBe(v + 1);
  });

  it('a tick while the last tick’s receipt is still on its way (a slow relay) queues nothing behind it', async () => {
    const bobChat = conv('direct', ['alice', 'bob'], [msg('bob', 'hi')]);
    const f = fakeEngine([bobChat]);
    const s = session(f);
    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_900_000_000_000);
    await s.afterRound();
    clock.mockReturnValue(s.meta.pendingReceipts[bobChat.id]!.dueAt);
    let release!: () => void;
    const sendControl = f.client.sendControl.bind(f.client);
    (f.client as unknown as { sendControl: typeof sendControl }).sendControl = async (...a) => {
      await new Promise<void>((r) => (release = r));
      return sendControl(...a);
    };
    const first = s.tick();
    await vi.waitFor(() => expect(release).toBeDefined());
    // Every second another tick: none of them waits for the engine lock behind the first.
    const exclusive = vi.spyOn((s as unknown as { loop: { exclusive(): Promise<unknown> } }).loop, 'exclusive');
    const later = [s.tick(), s.tick(), s.tick()];
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(exclusive).not.toHaveBeenCalled();
    release();
    await Promise.all([first, ...later]);
    expect(exclusive).not.toHaveBeenCalled();
    expect(f.e.controls).toHaveLength(1);
  });

  it('the push check re-renders the page when it settles, so the settings say whether calls ring with the app closed', async () => {
    const f = fakeEngine();
    // The organisation turned vendor push off (`hardline server --no-push`).
    (f.client as unknown as { relay(): unknown }).relay = () => ({ request: async () => ({ enabled: false }) });
    const s = session(f);
    let told = 0;
    s.subscribe(() => told++);
    expect(await s.push.refresh(f.client)).toBe('off-by-org');
    expect(s.push.status).toBe('off-by-org');
    expect(told).toBe(1);
  });

  it('a tick with nothing due and no notice expired tells the page nothing', async () => {
    const s = session(fakeEngine([]));
    const v = s.version;
    await s.tick();
    expect(s.version).toBe(v);
  });

  it('an expired timer notice is dropped at the tick and the page told', async () => {
    const f = fakeEngine([]);
    const s = session(f);
    s.meta.disappear['d:bob'] = { seconds: 60, setAt: '2026-01-01T00:00:00.000Z' };
    s.meta.notices.push({ chatKey: 'd:bob', id: 'n', from: 'bob', seconds: 60, at: '2026-01-01T00:00:00.000Z', receivedAt: '2026-01-01T00:00:00.000Z' });
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-01-01T00:01:01.000Z'));
    const v = s.version;
    await s.tick();
    expect(s.meta.notices).toEqual([]);
    expect(s.version).toBe(v + 1);
  });
});

describe('chats, groups and profile', () => {
  it('reading marks up to the last message from others, once', async () => {
    const c = conv('direct', ['alice', 'bob'], [msg('bob', 'a', '2026-01-01T00:00:01.000Z'), msg('alice', 'b', '2026-01-01T00:00:09.000Z')]);
    const f = fakeEngine([c]);
    const s = session(f);
    expect(s.unreadTotal()).toBeGreaterThanOrEqual(0);
    const v = s.version;
    await s.markRead('d:bob');
    expect(s.meta.readUpTo['d:bob']).toBe('2026-01-01T00:00:01.000Z');
    expect(s.version).toBe(v + 1);
    await s.markRead('d:bob');
    expect(s.version).toBe(v + 1);
    await s.markRead('d:nobody');
    expect(s.version).toBe(v + 1);
    const onlyMine = conv('direct', ['alice', 'carol'], [msg('alice', 'hi')]);
    f.e.convs.push(onlyMine);
    await s.markRead('d:carol');
    expect(s.meta.readUpTo['d:carol']).toBeUndefined();
  });

  it('group actions only on a group this device is still in', async () => {
    const g = conv('group', ['alice', 'bob'], [], 'team');
    const gone = conv('group', ['alice', 'bob'], [], 'old');
    gone.left = true;
    const direct = conv('direct', ['alice', 'bob'], []);
    const f = fakeEngine([g, gone, direct]);
    const s = session(f);
    for (const key of [`g:${gone.id}`, `g:${direct.id}`, `d:${g.id}`, 'g:nope']) {
      await expect(s.renameGroup(key, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(s.addToGroup(key, 'carol')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(s.removeFromGroup(key, 'bob')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(s.leaveGroup(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(f.e.log).toEqual([]);
    await s.renameGroup(`g:${g.id}`, 'new');
    await s.addToGroup(`g:${g.id}`, 'carol');
    await s.removeFromGroup(`g:${g.id}`, 'bob');
    await s.leaveGroup(`g:${g.id}`);
    expect(f.e.log).toEqual([`update ${g.id} {"name":"new"}`, 'add team carol', 'remove team bob', `leave ${g.id}`]);
  });

  it('a timer is committed into each conversation of the chat still open; none before a first message', async () => {
    const a = conv('direct', ['alice', 'bob'], [msg('bob', 'x')]);
    const b = conv('direct', ['alice', 'bob'], [msg('bob', 'y')]);
    b.left = true;
    const f = fakeEngine([a, b]);
    const s = session(f);
    await expect(s.setDisappearing('d:carol', 60)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.setDisappearing('d:bob', 60);
    expect(f.e.log.filter((l) => l.startsWith('update'))).toEqual([`update ${a.id} {"timerSeconds":60}`]);
  });

  it('publishes a phone without spaces or punctuation, an email trimmed, empty ones as null', async () => {
    const f = fakeEngine();
    f.e.dir = [{ handle: 'alice', displayName: 'A', phone: '+4412', email: 'a@x', devices: [] }];
    const s = session(f);
    expect(s.profile()).toEqual({ phone: '+4412', email: 'a@x' });
    await s.publishProfile({ phone: ' +44 (20) 7946-0958. ', email: '  a@example.org ' });
    await s.publishProfile({ phone: ' - ', email: '   ' });
    expect(f.e.log).toEqual(['profile {"phone":"+442079460958","email":"a@example.org"}', 'profile {"phone":null,"email":null}']);
    f.e.dir = [];
    expect(s.profile()).toEqual({ phone: '', email: '' });
  });
});
