/**
 * Epoch locks in two steps (issue 10.1): a hold that is released or lapses can never jam a
 * conversation, a confirmed lock is for good, and only the holder can confirm or release.
 * From the attacker's side: a stranger who takes a lock and walks away, another who tries to
 * confirm or release someone else's hold, and junk input.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EpochLocks, HOLD_MS, MAX_HOLDS } from '../src/locks/epochLocks.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';

const token = () => randomBytes(32).toString('hex');

describe('EpochLocks', () => {
  it('a hold nobody confirms lapses after HOLD_MS', () => {
    const locks = new EpochLocks();
    const t = token();
    expect(locks.take(t, 0)).toBeDefined();
    expect(locks.take(t, HOLD_MS - 1)).toBeUndefined();
    expect(locks.take(t, HOLD_MS)).toBeDefined();
  });

  it('only the holder finishes a hold, and a slow holder may still finish if nobody took over', () => {
    const locks = new EpochLocks();
    const t = token();
    const hold = locks.take(t, 0)!;
    expect(locks.finish(t, 'f'.repeat(32))).toBe(false);
    expect(locks.finish(t, hold)).toBe(true);
    expect(locks.finish(t, hold)).toBe(false);
    const slow = locks.take(t, 0)!;
    expect(locks.finish(t, slow)).toBe(true);
    const lapsed = locks.take(t, 0)!;
    const other = locks.take(t, HOLD_MS)!;
    expect(locks.finish(t, lapsed)).toBe(false);
    expect(locks.finish(t, other)).toBe(true);
  });

  it('a flood of random tokens is bounded', () => {
    const locks = new EpochLocks();
    for (let i = 0; i < MAX_HOLDS; i++) locks.take(i.toString(16).padStart(64, '0'), 0);
    expect(locks.take(token(), 1)).toBeUndefined();
    expect(locks.size).toBe(MAX_HOLDS);
    // Once they lapse, room is made again.
    expect(locks.take(token(), HOLD_MS)).toBeDefined();
    expect(locks.size).toBe(1);
  });
});

describe('POST /v1/locks', () => {
  it('a released hold can be taken at once; a confirmed lock never again', async () => {
    const relay = await startTestRelay();
    const t = token();
    const first = await call(relay.url, 'POST', '/v1/locks', { token: t });
    expect(first.status).toBe(201);
    expect((await call(relay.url, 'POST', '/v1/locks', { token: t })).body.error.code).toBe('CONFLICT');
    // A stranger cannot release or confirm a hold that is not theirs.
    expect((await call(relay.url, 'POST', '/v1/locks/release', { token: t, hold: 'a'.repeat(32) })).status).toBe(200);
    expect((await call(relay.url, 'POST', '/v1/locks', { token: t })).body.error.code).toBe('CONFLICT');
    expect((await call(relay.url, 'POST', '/v1/locks/confirm', { token: t, hold: 'a'.repeat(32) })).body.error.code).toBe('CONFLICT');
    // The holder releases: free again.
    expect((await call(relay.url, 'POST', '/v1/locks/release', { token: t, hold: first.body.hold })).status).toBe(200);
    const second = await call(relay.url, 'POST', '/v1/locks', { token: t });
    expect(second.status).toBe(201);
    expect((await call(relay.url, 'POST', '/v1/locks/confirm', { token: t, hold: second.body.hold })).status).toBe(200);
    // Confirmed: a later hold on the same epoch can never be confirmed.
    const third = await call(relay.url, 'POST', '/v1/locks', { token: t });
    expect((await call(relay.url, 'POST', '/v1/locks/confirm', { token: t, hold: third.body.hold })).body.error.code).toBe('CONFLICT');
  });

  it('refuses junk with clear errors', async () => {
    const relay = await startTestRelay();
    for (const body of [{}, { token: 'zz' }, { token: 7 }]) expect((await call(relay.url, 'POST', '/v1/locks', body)).status).toBe(400);
    expect((await call(relay.url, 'POST', '/v1/locks/confirm', { token: token(), hold: 'nope' })).status).toBe(400);
    expect((await call(relay.url, 'POST', '/v1/locks/release', { token: token() })).status).toBe(400);
  });
});
