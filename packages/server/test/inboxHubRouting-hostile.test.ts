/**
 * @module inboxHubRouting-hostile.test
 * The in-memory routing from mailboxes and devices to open inboxes (server/src/ws/inboxHub.ts),
 * with stand-in connections, from the side of a reader who subscribes to mailboxes that are not
 * theirs:
 *  - a pending subscription (a KeyPackage mailbox not claimed yet) goes live on claim only with
 *    the read capability the claim registered, once, and not for a reader that has left;
 *  - a reader that closed is forgotten everywhere: no more envelopes, no pending activation, no
 *    device close, and "has a reader" turns false so that the device is woken instead;
 *  - a device's revocation closes every inbox of that device and no other's;
 *  - a post marked `now` reaches the connection as urgent, `later` as not.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceId, MailboxId } from '@hardline/protocol';
import { ManualClock } from '../../../test/support/manualClock.ts';
import type { MailboxRecord } from '../src/store/relayStore.ts';
import type { InboxConnection } from '../src/ws/inboxConnection.ts';
import { InboxHub } from '../src/ws/inboxHub.ts';
import { PUSH_ROUND_POLICIES } from '../src/ws/pushRoundPolicy.ts';
import { PushRounds } from '../src/ws/pushRounds.ts';

const A = 'aa'.repeat(16) as MailboxId;
const B = 'bb'.repeat(16) as MailboxId;
const sha = (s: string): Buffer => createHash('sha256').update(s).digest();

class Conn {
  deviceId: DeviceId | undefined;
  readonly live = new Set<MailboxId>();
  readonly pending = new Set<MailboxId>();
  readonly offers: [MailboxId, number, boolean][] = [];
  readonly activated: MailboxId[] = [];
  readonly forgotten: MailboxId[] = [];
  closed: [number, string] | undefined;
  mailboxes() {
    return this.live;
  }
  pendingMailboxes() {
    return this.pending;
  }
  offer(m: MailboxId, seq: number, _bytes: Uint8Array, urgent = false) {
    this.offers.push([m, seq, urgent]);
  }
  activate(m: MailboxId) {
    this.pending.delete(m);
    this.live.add(m);
    this.activated.push(m);
  }
  forgetPending(m: MailboxId) {
    this.pending.delete(m);
    this.forgotten.push(m);
  }
  close(code: number, reason: string) {
    this.closed = [code, reason];
  }
  releaseRound() {}
}

function hub() {
  const clock = new ManualClock();
  const rounds = new PushRounds(PUSH_ROUND_POLICIES.balanced, { clock, random: () => 0 });
  return { h: new InboxHub(rounds), clock, rounds };
}
const asConn = (c: Conn) => c as unknown as InboxConnection;
const mailbox = (id: MailboxId, readCap: string): MailboxRecord => ({ id, readCapHash: sha(readCap), sendCapHash: sha('send') }) as unknown as MailboxRecord;

function pendingOn(h: InboxHub, c: Conn, m: MailboxId, readCap: string | Buffer): void {
  h.subscribePending(asConn(c), m, typeof readCap === 'string' ? sha(readCap) : readCap);
  c.pending.add(m);
}

describe('pending subscriptions', () => {
  it('go live on claim only with the registered read capability, and only once', () => {
    const { h } = hub();
    const honest = new Conn();
    const snoop = new Conn();
    pendingOn(h, honest, A, 'right');
    pendingOn(h, snoop, A, 'guess');
    expect(h.hasReader(A)).toBe(false);
    h.mailboxCreated(mailbox(A, 'right'));
    expect(honest.activated).toEqual([A]);
    expect(snoop.activated).toEqual([]);
    expect(snoop.forgotten).toEqual([A]);
    expect(h.hasReader(A)).toBe(true);
    h.envelopeStored(A, 1, new Uint8Array(1));
    expect(honest.offers).toHaveLength(1);
    expect(snoop.offers).toEqual([]);
    // The claim is consumed: a second creation record activates no one again.
    h.mailboxCreated(mailbox(A, 'right'));
    expect(honest.activated).toEqual([A]);
  });

  it('a capability hash of another length is refused, not thrown on', () => {
    const { h } = hub();
    const c = new Conn();
    pendingOn(h, c, A, sha('right').subarray(0, 31));
    expect(() => h.mailboxCreated(mailbox(A, 'right'))).not.toThrow();
    expect(c.activated).toEqual([]);
    expect(c.forgotten).toEqual([A]);
  });

  it('a claim of another mailbox activates nothing', () => {
    const { h } = hub();
    const c = new Conn();
    pendingOn(h, c, A, 'right');
    h.mailboxCreated(mailbox(B, 'right'));
    expect(c.activated).toEqual([]);
    expect(c.forgotten).toEqual([]);
  });
});

describe('a reader that closed', () => {
  it('is forgotten everywhere', () => {
    const { h, clock } = hub();
    const gone = new Conn();
    const stays = new Conn();
    gone.deviceId = stays.deviceId = 'dev-1' as DeviceId;
    h.attachDevice(asConn(gone), gone.deviceId);
    h.attachDevice(asConn(stays), stays.deviceId);
    expect(clock.pending).toBe(1);
    h.subscribe(asConn(gone), A);
    gone.live.add(A);
    h.subscribe(asConn(gone), B);
    gone.live.add(B);
    h.subscribe(asConn(stays), B);
    stays.live.add(B);
    pendingOn(h, gone, 'cc'.repeat(16) as MailboxId, 'cap');
    h.detach(asConn(gone));
    // A had only the closed reader: its posts must wake the device now.
    expect(h.hasReader(A)).toBe(false);
    expect(h.hasReader(B)).toBe(true);
    h.envelopeStored(A, 1, new Uint8Array(1));
    h.envelopeStored(B, 1, new Uint8Array(1));
    expect(gone.offers).toEqual([]);
    expect(stays.offers).toEqual([[B, 1, true]]);
    h.mailboxCreated(mailbox('cc'.repeat(16) as MailboxId, 'cap'));
    expect(gone.activated).toEqual([]);
    h.closeDevice('dev-1' as DeviceId, 4003, 'REVOKED');
    expect(gone.closed).toBeUndefined();
    expect(stays.closed).toEqual([4003, 'REVOKED']);
    // The last reader leaves: the round timer stops.
    h.detach(asConn(stays));
    expect(h.hasReader(B)).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('a pending subscription shared with another reader stays for that reader', () => {
    const { h } = hub();
    const gone = new Conn();
    const stays = new Conn();
    const C = 'cc'.repeat(16) as MailboxId;
    pendingOn(h, gone, C, 'cap');
    pendingOn(h, stays, C, 'cap');
    h.detach(asConn(gone));
    h.mailboxCreated(mailbox(C, 'cap'));
    expect(stays.activated).toEqual([C]);
    expect(gone.activated).toEqual([]);
  });

  it('a device with one inbox left keeps being closed on revocation', () => {
    const { h } = hub();
    const a = new Conn();
    const b = new Conn();
    a.deviceId = b.deviceId = 'dev-2' as DeviceId;
    h.attachDevice(asConn(a), a.deviceId);
    h.attachDevice(asConn(b), b.deviceId);
    h.detach(asConn(a));
    h.closeDevice('dev-2' as DeviceId, 4003, 'REVOKED');
    expect(b.closed).toEqual([4003, 'REVOKED']);
  });
  it('leaves no entry behind, however many inboxes a stranger opens and closes', () => {
    const { h } = hub();
    const stays = new Conn();
    stays.deviceId = 'dev-3' as DeviceId;
    h.attachDevice(asConn(stays), stays.deviceId);
    h.subscribe(asConn(stays), A);
    stays.live.add(A);
    for (let i = 0; i < 1_000; i++) {
      const c = new Conn();
      c.deviceId = `dev-${i}-x` as DeviceId;
      h.attachDevice(asConn(c), c.deviceId);
      const m = i.toString(16).padStart(32, '0') as MailboxId;
      h.subscribe(asConn(c), m);
      c.live.add(m);
      pendingOn(h, c, `p${i.toString(16).padStart(31, '0')}` as MailboxId, 'cap');
      h.detach(asConn(c));
    }
    expect(h.size).toEqual({ mailboxes: 1, pending: 0, devices: 1 });
    h.detach(asConn(stays));
    expect(h.size).toEqual({ mailboxes: 0, pending: 0, devices: 0 });
  });
});

describe('revocation', () => {
  it("closes every inbox of the device, and no other device's", () => {
    const { h } = hub();
    const [a1, a2, other] = [new Conn(), new Conn(), new Conn()];
    h.attachDevice(asConn(a1), 'dev-a' as DeviceId);
    h.attachDevice(asConn(a2), 'dev-a' as DeviceId);
    h.attachDevice(asConn(other), 'dev-b' as DeviceId);
    h.closeDevice('dev-a' as DeviceId, 4003, 'REVOKED');
    expect(a1.closed).toEqual([4003, 'REVOKED']);
    expect(a2.closed).toEqual([4003, 'REVOKED']);
    expect(other.closed).toBeUndefined();
    expect(() => h.closeDevice('dev-unknown' as DeviceId, 4003, 'REVOKED')).not.toThrow();
  });
});

describe('urgency', () => {
  it('a post marked now reaches the connection as urgent, later as not, now by default', () => {
    const { h } = hub();
    const c = new Conn();
    h.subscribe(asConn(c), A);
    h.subscribe(asConn(c), A);
    h.envelopeStored(A, 1, new Uint8Array(1), 'later');
    h.envelopeStored(A, 2, new Uint8Array(1), 'now');
    h.envelopeStored(A, 3, new Uint8Array(1));
    expect(c.offers).toEqual([
      [A, 1, false],
      [A, 2, true],
      [A, 3, true],
    ]);
    h.envelopeStored(B, 4, new Uint8Array(1));
    expect(c.offers).toHaveLength(3);
  });
});
