/**
 * What a push wake-up shows (sw/wakeNotification.ts), decided from the decrypted inbox: a ring
 * still ringing, with the caller's name and Accept and Decline; a ring that ended, is stale, or
 * was already acked by one of my devices; who wrote, never what.
 */
import { describe, expect, it } from 'vitest';
import type { ReceivedControl, ReceivedMessage } from '@hardline/client';
import type { Handle } from '@hardline/protocol';
import { GENERIC_WAKE, notificationFor, ringingCall, wakeOutcome } from '../src/sw/wakeNotification.ts';

const NOW = Date.parse('2026-12-02T06:00:00Z');
const at = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function call(from: string, op: string, callId: string, msAgo = 2_000): ReceivedControl {
  return { conversation: 'c1', from, fromDevice: `${from}-dev`, message: { t: 'call', id: `${op}-${callId}`, callId, op, sentAt: at(msAgo) }, receivedAt: at(0) } as ReceivedControl;
}
const text = (from: string): ReceivedMessage => ({ conversation: 'c1', from: from as Handle, text: 'the secret plan', sentAt: at(1_000), receivedAt: at(0) });
const names = (h: string) => ({ bob: 'Bob Brown', carol: 'Carol' })[h] ?? h;

describe('wake notification', () => {
  it('rings for a fresh ring, with the name and Accept and Decline', () => {
    const outcome = wakeOutcome([call('bob', 'ring', 'aaaaaaaaaaaaaaaaaaaaaaaa')], [], 'alice', NOW);
    expect(outcome).toEqual({ kind: 'call', from: 'bob', conversationId: 'c1', callId: 'aaaaaaaaaaaaaaaaaaaaaaaa', acked: false });
    const spec = notificationFor(outcome, names)!;
    expect(spec.title).toBe('Bob Brown');
    expect(spec.options.body).toBe('Incoming call');
    expect(spec.options.actions?.map((a) => a.action)).toEqual(['accept', 'decline']);
    expect(spec.options.requireInteraction).toBe(true);
  });

  it('does not ring for a ring that ended, is older than the ring timeout, or is my own', () => {
    const id = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    for (const end of ['cancel', 'accept', 'decline', 'answered-elsewhere', 'hangup', 'busy']) {
      expect(ringingCall([call('bob', 'ring', id), call('bob', end, id)], 'alice', NOW), end).toBeUndefined();
    }
    expect(ringingCall([call('bob', 'ring', id, 31_000)], 'alice', NOW)).toBeUndefined();
    expect(ringingCall([call('alice', 'ring', id)], 'alice', NOW)).toBeUndefined();
  });

  it('knows when another of my devices already acked the ring', () => {
    const id = 'cccccccccccccccccccccccc';
    expect(ringingCall([call('bob', 'ring', id), call('alice', 'ringing', id)], 'alice', NOW)?.acked).toBe(true);
    expect(ringingCall([call('bob', 'ring', id), call('bob', 'ringing', id)], 'alice', NOW)?.acked).toBe(false);
  });

  it('names who wrote and never shows the text', () => {
    const one = notificationFor(wakeOutcome([], [text('bob')], 'alice', NOW), names)!;
    expect(one).toMatchObject({ title: 'Bob Brown', options: { body: 'New message' } });
    const two = notificationFor(wakeOutcome([], [text('bob'), text('carol'), text('bob')], 'alice', NOW), names)!;
    expect(two.title).toBe('Hardline');
    expect(two.options.body).toBe('3 new messages from Bob Brown, Carol');
    expect(JSON.stringify([one, two])).not.toContain('secret');
  });

  it('with the org policy\'s previews off, names nobody: "Incoming call" and "New message" only', () => {
    const ring = notificationFor(wakeOutcome([call('bob', 'ring', 'dddddddddddddddddddddddd')], [], 'alice', NOW), names, false)!;
    expect(ring).toMatchObject({ title: 'Hardline', options: { body: 'Incoming call' } });
    const one = notificationFor(wakeOutcome([], [text('bob')], 'alice', NOW), names, false)!;
    expect(one).toMatchObject({ title: 'Hardline', options: { body: 'New message' } });
    const two = notificationFor(wakeOutcome([], [text('bob'), text('carol')], 'alice', NOW), names, false)!;
    expect(two.options.body).toBe('New messages');
    expect(JSON.stringify([ring, one, two])).not.toMatch(/Bob|Carol|bob|carol|secret/);
  });

  it('shows nothing when nothing came, and a generic line when the inbox could not be read', () => {
    expect(notificationFor(wakeOutcome([], [text('alice')], 'alice', NOW), names)).toBeUndefined();
    expect(GENERIC_WAKE.options.body).toBe('Incoming call or message — open Hardline');
  });
});
