/**
 * The call state machine, transition by transition: ringing on every device, the first
 * accept wins, decline / busy / no answer / cancel all end in the log, and media signalling
 * is taken only from the device the call is with. A callee with no device online is known
 * as such within the reach window, from the absence of any `ringing` ack.
 */
import { describe, expect, it } from 'vitest';
import { step, type Call, type CallEvent, type Effect, type IncomingControl, type Me } from '../src/calls/callState.ts';

const NOW = Date.parse('2026-11-28T10:00:00Z');
const alice: Me = { handle: 'alice', deviceId: 'A1', ringTimeoutMs: 30_000, connectTimeoutMs: 20_000, reachTimeoutMs: 8_000, ackDelayMs: 700, now: NOW };
const bob1: Me = { ...alice, handle: 'bob', deviceId: 'B1' };
const bob2: Me = { ...alice, handle: 'bob', deviceId: 'B2' };

function ctl(from: string, fromDevice: string, op: IncomingControl['op'], extra: Partial<IncomingControl> = {}): CallEvent {
  return { type: 'control', control: { conversationId: 'conv', from, fromDevice, op, callId: 'c1', sentAt: NOW, ...extra } };
}

function run(me: Me, events: CallEvent[], start?: Call): { call: Call | undefined; effects: Effect[] } {
  let call = start;
  const effects: Effect[] = [];
  for (const ev of events) {
    const r = step(call, ev, me);
    call = r.call;
    effects.push(...r.effects);
  }
  return { call, effects };
}

const sends = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'send' ? [e.op + (e.to ? `→${e.to}` : '')] : []));
const records = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'record' ? [e.entry] : []));
const dial: CallEvent = { type: 'dial', callId: 'c1', conversationId: 'conv', peer: 'bob' };
const ringPosted: CallEvent = { type: 'sent', callId: 'c1', op: 'ring' };
const reachCheck: CallEvent = { type: 'timeout', callId: 'c1', phase: 'outgoing', check: 'reach' };
const ackDue: CallEvent = { type: 'timeout', callId: 'c1', phase: 'incoming', check: 'ack' };
const timers = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'timer' ? [`${e.phase}${e.check ? `/${e.check}` : ''}:${e.ms}`] : []));

describe('call state machine', () => {
  it('caller: ring, accept from one device, offer to that device, connected, hang up', () => {
    const r = run(alice, [dial, ctl('bob', 'B1', 'accept'), { type: 'media', state: 'connected' }]);
    expect(r.call?.phase).toBe('connected');
    expect(r.call?.peerDevice).toBe('B1');
    expect(r.effects.some((e) => e.kind === 'connect' && e.to === 'B1')).toBe(true);
    expect(sends(r.effects)).toEqual(['ring']);
    const end = step(r.call, { type: 'hangup' }, { ...alice, now: NOW + 65_000 });
    expect(end.call?.phase).toBe('ended');
    expect(sends([...end.effects])).toEqual(['hangup→B1']);
    expect(records([...end.effects])[0]).toMatchObject({ outcome: 'answered', durationSec: 65, direction: 'out' });
  });

  it('callee: every device rings; the one that accepts connects, the other stops on seeing the accept', () => {
    const ringing1 = run(bob1, [ctl('alice', 'A1', 'ring')]);
    const ringing2 = run(bob2, [ctl('alice', 'A1', 'ring')]);
    expect(ringing1.call?.phase).toBe('incoming');
    expect(ringing2.call?.phase).toBe('incoming');
    const accepted = step(ringing1.call, { type: 'accept' }, bob1);
    expect(accepted.call?.phase).toBe('connecting');
    expect(sends([...accepted.effects])).toEqual(['accept']);
    const other = step(ringing2.call, ctl('bob', 'B1', 'accept'), bob2);
    expect(other.call).toMatchObject({ phase: 'ended', endReason: 'answered-elsewhere' });
    expect(records([...other.effects])[0]?.outcome).toBe('elsewhere');
  });

  it('two devices accept at once: the caller keeps the first and tells the second', () => {
    const r = run(alice, [dial, ctl('bob', 'B1', 'accept'), ctl('bob', 'B2', 'accept')]);
    expect(r.call?.peerDevice).toBe('B1');
    expect(sends(r.effects)).toEqual(['ring', 'answered-elsewhere→B2']);
    const loser = run(bob2, [ctl('alice', 'A1', 'ring'), { type: 'accept' }, ctl('alice', 'A1', 'answered-elsewhere', { to: 'B2' })]);
    expect(loser.call).toMatchObject({ phase: 'ended', endReason: 'answered-elsewhere' });
    expect(loser.effects.some((e) => e.kind === 'stop-media')).toBe(true);
  });

  it('decline is logged as missed on both sides', () => {
    const callee = run(bob1, [ctl('alice', 'A1', 'ring'), { type: 'decline' }]);
    expect(sends(callee.effects)).toEqual(['decline']);
    expect(records(callee.effects)[0]).toMatchObject({ outcome: 'missed', reason: 'declined', direction: 'in', peer: 'alice' });
    const caller = run(alice, [dial, ctl('bob', 'B1', 'decline')]);
    expect(records(caller.effects)[0]).toMatchObject({ outcome: 'missed', reason: 'declined', direction: 'out', peer: 'bob' });
  });

  it('no answer: the caller cancels after the timeout; the callee stops ringing on its own timer too', () => {
    const caller = run(alice, [dial, { type: 'timeout', callId: 'c1', phase: 'outgoing' }]);
    expect(sends(caller.effects)).toEqual(['ring', 'cancel']);
    expect(records(caller.effects)[0]).toMatchObject({ outcome: 'missed', reason: 'no-answer' });
    const callee = run(bob1, [ctl('alice', 'A1', 'ring'), { type: 'timeout', callId: 'c1', phase: 'incoming' }]);
    expect(records(callee.effects)[0]).toMatchObject({ outcome: 'missed', reason: 'no-answer' });
    // A timer for a phase the call has left does nothing.
    const connected = run(alice, [dial, ctl('bob', 'B1', 'accept'), { type: 'media', state: 'connected' }, { type: 'timeout', callId: 'c1', phase: 'outgoing' }]);
    expect(connected.call?.phase).toBe('connected');
  });

  it('cancel by the caller ends the ringing as a missed call', () => {
    const r = run(bob1, [ctl('alice', 'A1', 'ring'), ctl('alice', 'A1', 'cancel')]);
    expect(r.call?.endReason).toBe('cancelled');
    expect(records(r.effects)[0]?.outcome).toBe('missed');
  });

  it('busy: a ring during a call is answered busy and logged; the caller sees busy', () => {
    const inCall = run(bob1, [ctl('alice', 'A1', 'ring'), { type: 'accept' }]).call;
    const r = step(inCall, ctl('carol', 'C1', 'ring', { callId: 'c2', conversationId: 'conv2' }), bob1);
    expect(r.call).toBe(inCall);
    expect(r.effects).toContainEqual({ kind: 'send', conversationId: 'conv2', callId: 'c2', op: 'busy' });
    expect(records([...r.effects])[0]).toMatchObject({ peer: 'carol', outcome: 'missed', reason: 'busy' });
    const caller = run(alice, [dial, ctl('bob', 'B1', 'busy')]);
    expect(caller.call?.endReason).toBe('busy');
  });

  it('a ring delivered after the ring timeout is a missed call, not a ringing phone', () => {
    const r = run(bob1, [ctl('alice', 'A1', 'ring', { sentAt: NOW - 5 * 60_000 })]);
    expect(r.call).toBeUndefined();
    expect(records(r.effects)[0]).toMatchObject({ outcome: 'missed', direction: 'in' });
  });

  it('ignores my own other device calling out, and signalling from devices the call is not with', () => {
    expect(run(bob1, [ctl('bob', 'B2', 'ring')]).call).toBeUndefined();
    const connecting = run(alice, [dial, ctl('bob', 'B1', 'accept')]).call;
    expect(step(connecting, ctl('bob', 'B2', 'answer', { to: 'A1', sdp: 'x' }), alice).effects).toEqual([]);
    expect(step(connecting, ctl('bob', 'B1', 'answer', { to: 'A9', sdp: 'x' }), alice).effects).toEqual([]);
    expect(step(connecting, ctl('mallory', 'M1', 'hangup'), alice).call).toBe(connecting);
    expect(step(connecting, ctl('bob', 'B1', 'answer', { to: 'A1', sdp: 'x' }), alice).effects).toEqual([{ kind: 'media-signal', op: 'answer', sdp: 'x' }]);
  });

  it('never mutates the call it is given', () => {
    const call = run(alice, [dial]).call!;
    const frozen = Object.freeze({ ...call });
    step(frozen, ctl('bob', 'B1', 'accept'), alice);
    step(frozen, { type: 'hangup' }, alice);
    expect(frozen.phase).toBe('outgoing');
  });
});

describe('reachability: a ringing device says so, and silence means nobody is online', () => {
  it('caller: the reach window opens when the ring is posted, not at the tap', () => {
    const dialled = run(alice, [dial]);
    expect(timers(dialled.effects)).toEqual(['outgoing:30000']);
    const posted = step(dialled.call, ringPosted, alice);
    expect(timers([...posted.effects])).toEqual(['outgoing/reach:8000']);
    // Only the ring opens it, and only for this call.
    expect(step(dialled.call, { type: 'sent', callId: 'c1', op: 'ice' }, alice).effects).toEqual([]);
    expect(step(dialled.call, { type: 'sent', callId: 'c9', op: 'ring' }, alice).effects).toEqual([]);
  });

  it('caller: no `ringing` within the window ends the call as unreachable, logged, with the same cancel a no-answer sends', () => {
    const r = run(alice, [dial, ringPosted, reachCheck]);
    expect(r.call).toMatchObject({ phase: 'ended', endReason: 'unreachable' });
    // Envelopes: the ring and one cancel, as today's 30 s no-answer; nothing more.
    expect(sends(r.effects)).toEqual(['ring', 'cancel']);
    expect(r.effects.some((e) => e.kind === 'stop-media')).toBe(true);
    expect(records(r.effects)).toEqual([expect.objectContaining({ outcome: 'missed', reason: 'unreachable', direction: 'out', peer: 'bob' })]);
  });

  it('caller: one `ringing` from any device of the callee keeps it ringing to the 30 s no-answer', () => {
    const reached = run(alice, [dial, ringPosted, ctl('bob', 'B2', 'ringing'), reachCheck]);
    expect(reached.call).toMatchObject({ phase: 'outgoing', ringConfirmed: true });
    expect(sends(reached.effects)).toEqual(['ring']);
    const later = run(alice, [{ type: 'timeout', callId: 'c1', phase: 'outgoing' }], reached.call);
    expect(later.call?.endReason).toBe('no-answer');
    // A second device's ack changes nothing.
    expect(step(reached.call, ctl('bob', 'B1', 'ringing'), alice)).toEqual({ call: reached.call, effects: [] });
  });

  it('caller: a late ack that still beats the window counts; one after the verdict is ignored', () => {
    // The ack can even arrive before this device has finished posting the ring.
    const early = run(alice, [dial, ctl('bob', 'B1', 'ringing'), ringPosted, reachCheck]);
    expect(early.call?.phase).toBe('outgoing');
    const tooLate = run(alice, [dial, ringPosted, reachCheck, ctl('bob', 'B1', 'ringing')]);
    expect(tooLate.call).toMatchObject({ phase: 'ended', endReason: 'unreachable' });
    expect(sends(tooLate.effects)).toEqual(['ring', 'cancel']);
  });

  it('caller: a `ringing` counts only from the callee, for this call; my own other devices and strangers do not reach anyone', () => {
    for (const ev of [ctl('alice', 'A2', 'ringing'), ctl('mallory', 'M1', 'ringing'), ctl('bob', 'B1', 'ringing', { callId: 'c9' }), ctl('bob', 'B1', 'ringing', { conversationId: 'other' })]) {
      const r = run(alice, [dial, ringPosted, ev, reachCheck]);
      expect(r.call?.endReason).toBe('unreachable');
    }
  });

  it('caller: busy, decline and accept end the wait for an ack as before', () => {
    expect(run(alice, [dial, ringPosted, ctl('bob', 'B1', 'busy'), reachCheck]).call?.endReason).toBe('busy');
    expect(run(alice, [dial, ringPosted, ctl('bob', 'B1', 'decline'), reachCheck]).call?.endReason).toBe('declined');
    expect(run(alice, [dial, ringPosted, ctl('bob', 'B1', 'accept'), reachCheck]).call?.phase).toBe('connecting');
  });

  it('callee: a ringing device acks once, after its delay, to the whole conversation (no target named)', () => {
    const ringing = run(bob1, [ctl('alice', 'A1', 'ring')]);
    expect(timers(ringing.effects)).toEqual(['incoming:30000', 'incoming/ack:700']);
    expect(sends(ringing.effects)).toEqual([]);
    const acked = step(ringing.call, ackDue, bob1);
    expect(acked.effects).toEqual([{ kind: 'send', conversationId: 'conv', callId: 'c1', op: 'ringing' }]);
    expect(acked.call).toMatchObject({ phase: 'incoming', ringConfirmed: true });
    expect(step(acked.call, ackDue, bob1).effects).toEqual([]);
  });

  it('callee: with two devices, the second stays quiet once it sees the first one\'s ack', () => {
    const b1 = run(bob1, [ctl('alice', 'A1', 'ring'), ackDue]);
    expect(sends(b1.effects)).toEqual(['ringing']);
    const b2 = run(bob2, [ctl('alice', 'A1', 'ring'), ctl('bob', 'B1', 'ringing'), ackDue]);
    expect(sends(b2.effects)).toEqual([]);
    expect(b2.call?.phase).toBe('incoming');
    // A ringing from the caller's side means nothing to a callee.
    expect(sends(run(bob2, [ctl('alice', 'A1', 'ring'), ctl('alice', 'A1', 'ringing'), ackDue]).effects)).toEqual(['ringing']);
  });

  it('callee: no ack, and so no envelope, where nothing rings', () => {
    // A ring delivered after the ring timeout (the device was offline): a missed call, silent.
    const stale = run(bob1, [ctl('alice', 'A1', 'ring', { sentAt: NOW - 5 * 60_000 }), ackDue]);
    expect(sends(stale.effects)).toEqual([]);
    expect(timers(stale.effects)).toEqual([]);
    // A cancel right behind the ring (both waited in the mailbox) ends it before the ack is due.
    expect(sends(run(bob1, [ctl('alice', 'A1', 'ring'), ctl('alice', 'A1', 'cancel'), ackDue]).effects)).toEqual([]);
    // My own other device calling out is not a ring for me.
    expect(sends(run(bob1, [ctl('bob', 'B2', 'ring'), ackDue]).effects)).toEqual([]);
    // Answered or declined before the ack was due: the accept or decline says it all.
    expect(sends(run(bob1, [ctl('alice', 'A1', 'ring'), { type: 'accept' }, ackDue]).effects)).toEqual(['accept']);
    expect(sends(run(bob1, [ctl('alice', 'A1', 'ring'), { type: 'decline' }, ackDue]).effects)).toEqual(['decline']);
  });

  it('callee: a device already in a call answers busy, not ringing', () => {
    const inCall = run(bob1, [ctl('alice', 'A1', 'ring'), { type: 'accept' }]).call;
    const r = step(inCall, ctl('carol', 'C1', 'ring', { callId: 'c2', conversationId: 'conv2' }), bob1);
    expect(sends([...r.effects])).toEqual(['busy']);
    expect(timers([...r.effects])).toEqual([]);
  });
});
