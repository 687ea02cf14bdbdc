/**
 * @module upgradeRouter-hostile.test
 * The upgrade router (server/src/ws/upgrade.ts) from an anonymous client on a real relay:
 *  - an upgrade to a path that is no endpoint is refused 404 `NOT_FOUND`, and one with no
 *    anonymous slot free 503 `UNAVAILABLE` with `Retry-After: 5` (clients branch on both);
 *  - a post socket that closes gives its anonymous slot back;
 *  - only `wake=later` as its own query parameter asks the post socket to wait for a slot
 *    (seen here as the wake the router hands the post socket; postSocketEdges-hostile plays
 *    the same from the push's side);
 *  - closing the relay closes every socket it holds and stops its heartbeats (a process that
 *    restarts its relay would otherwise keep every old one's pings running).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RawConnection } from '../../../test/support/anonymousAttacker.ts';
import * as postSocket from '../src/ws/postSocket.ts';
import { startTestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { TestSocket } from './support/wsClient.ts';

const wakes = vi.hoisted(() => [] as string[]);
vi.mock('../src/ws/postSocket.ts', async (original) => {
  const real = await original<typeof postSocket>();
  return {
    ...real,
    handlePostSocket: (...args: Parameters<typeof real.handlePostSocket>) => {
      wakes.push(args[3] ?? 'now');
      real.handlePostSocket(...args);
    },
  };
});

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function upgrade(url: string, path: string) {
  const raw = new RawConnection(url);
  await raw.connected();
  raw.write(`GET ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  const answer = await raw.answer;
  raw.destroy();
  return answer!;
}

describe('a refused upgrade', () => {
  it('to a path that is no endpoint is 404 NOT_FOUND', async () => {
    const relay = await startTestRelay();
    const answer = await upgrade(relay.url, '/v1/posts');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });

  it('with no anonymous slot free is 503 UNAVAILABLE, retry after 5 s', async () => {
    const relay = await startTestRelay({ limits: { maxAnonymousSockets: 1 } });
    sockets.push(await TestSocket.open(relay.url, '/v1/post'));
    const answer = await upgrade(relay.url, '/v1/post');
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('UNAVAILABLE');
    expect(answer.headers['retry-after']).toBe('5');
  });
});

describe('a post socket that closes', () => {
  it('gives its anonymous slot back', async () => {
    const relay = await startTestRelay({ limits: { maxAnonymousSocketsPerAddress: 1 } });
    const first = await TestSocket.open(relay.url, '/v1/post');
    await expect(TestSocket.open(relay.url, '/v1/post')).rejects.toThrow(/503/);
    first.close();
    // The relay learns of the close on its own time: retry until it has.
    await waitFor(async () => {
      try {
        sockets.push(await TestSocket.open(relay.url, '/v1/post'));
        return true;
      } catch {
        return false;
      }
    }, 10_000, 'the slot given back');
  });
});

describe('the wake a post socket asks for', () => {
  it('is `later` only for `wake=later` as its own parameter', async () => {
    const relay = await startTestRelay();
    const cases: [string, string][] = [
      ['/v1/post?wake=later', 'later'],
      ['/v1/post?x=1&wake=later', 'later'],
      ['/v1/post?wake=later&x=1', 'later'],
      ['/v1/post', 'now'],
      ['/v1/post?wake=laterx', 'now'],
      ['/v1/post?nowake=later', 'now'],
      ['/v1/post?x=wake=later', 'now'],
      ['/v1/post?wake=later2&y=wake=later', 'now'],
    ];
    for (const [path, wake] of cases) {
      wakes.length = 0;
      sockets.push(await TestSocket.open(relay.url, path));
      await waitFor(() => wakes.length === 1, 5_000, path);
      expect(wakes, path).toEqual([wake]);
    }
  });
});

describe('closing the relay', () => {
  it('closes every socket it holds, on both endpoints', async () => {
    const relay = await startTestRelay();
    const post = await TestSocket.open(relay.url, '/v1/post');
    const inbox = await TestSocket.open(relay.url, '/v1/inbox');
    // Not awaited first: the sockets must close as the relay closes, not when Node's HTTP server
    // gets round to them (its close waits ~30 s for upgraded sockets it does not end itself).
    const closing = relay.close();
    for (const s of [post, inbox]) expect(await s.closed()).toBeTypeOf('number');
    await closing;
  });

  it('leaves no interval running: the heartbeats stop', async () => {
    const made: NodeJS.Timeout[] = [];
    const realSetInterval = globalThis.setInterval;
    const spy = vi.spyOn(globalThis, 'setInterval').mockImplementation(((...args: Parameters<typeof setInterval>) => {
      const t = realSetInterval(...args);
      made.push(t);
      return t;
    }) as typeof setInterval);
    const relay = await startTestRelay();
    spy.mockRestore();
    sockets.push(await TestSocket.open(relay.url, '/v1/post'));
    // Two heartbeats (one per endpoint) and the relay's own sweep.
    expect(made.length).toBeGreaterThanOrEqual(2);
    await relay.close();
    expect(made.map((t) => (t as unknown as { _destroyed: boolean })._destroyed)).toEqual(made.map(() => true));
  });
});
