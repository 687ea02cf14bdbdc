/**
 * Epoch locks from the side of a device (or a stranger) trying to get a second commit into an
 * epoch: the same token spelt in upper case, tokens and holds with one character too many or
 * too few or with junk around them. A token in another spelling is the same lock, and every
 * malformed value is DECODE, never a lock of its own.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOLD_MS } from '../src/locks/epochLocks.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

const token = () => randomBytes(32).toString('hex');
const post = (path: string, body: unknown) => call(relay.url, 'POST', path, body);
const code = (r: { body: any }) => r.body.error?.code as string | undefined;

describe('epoch lock routes', () => {
  it('a token in upper case is the same lock: no second hold, no second confirmation', async () => {
    const t = token();
    const first = await post('/v1/locks', { token: t.toUpperCase() });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ hold: expect.stringMatching(/^[0-9a-f]{32}$/), holdMs: HOLD_MS });
    expect(code(await post('/v1/locks', { token: t }))).toBe('CONFLICT');
    // The holder confirms in the other spelling; the epoch is then taken for good.
    expect((await post('/v1/locks/confirm', { token: t, hold: first.body.hold })).body).toEqual({ locked: true });
    const later = await post('/v1/locks', { token: t.toUpperCase() });
    expect(later.status).toBe(201);
    expect(code(await post('/v1/locks/confirm', { token: t.toUpperCase(), hold: later.body.hold }))).toBe('CONFLICT');
  });

  it('a release in the other spelling frees the hold', async () => {
    const t = token();
    const first = await post('/v1/locks', { token: t });
    expect((await post('/v1/locks/release', { token: t.toUpperCase(), hold: first.body.hold })).body).toEqual({ released: true });
    expect((await post('/v1/locks', { token: t })).status).toBe(201);
  });

  it('tokens are exactly 64 hex characters, holds exactly 32 lower-case hex characters', async () => {
    const t = token();
    for (const bad of [t.slice(1), `${t}0`, `x${t}`, `${t}x`, `${t.slice(1)}g`, ` ${t.slice(1)}`, '', null, 64, [t]]) {
      expect(code(await post('/v1/locks', { token: bad })), String(bad)).toBe('DECODE');
      expect(code(await post('/v1/locks/confirm', { token: bad, hold: 'a'.repeat(32) })), String(bad)).toBe('DECODE');
      expect(code(await post('/v1/locks/release', { token: bad, hold: 'a'.repeat(32) })), String(bad)).toBe('DECODE');
    }
    const { body } = await post('/v1/locks', { token: t });
    for (const hold of [body.hold.slice(1), `${body.hold}0`, body.hold.toUpperCase(), `x${body.hold.slice(1)}`, `${body.hold.slice(1)}x`, undefined, 32]) {
      expect(code(await post('/v1/locks/confirm', { token: t, hold })), String(hold)).toBe('DECODE');
      expect(code(await post('/v1/locks/release', { token: t, hold })), String(hold)).toBe('DECODE');
    }
    // None of those touched the hold: it still confirms.
    expect((await post('/v1/locks/confirm', { token: t, hold: body.hold })).body).toEqual({ locked: true });
  });
});
