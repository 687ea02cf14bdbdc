/**
 * @module announcedIngress.test
 * A network attacker stalls `GET /v1/org` at a start with no saved announcement (or the sealed
 * record cannot be read): the app must not take that for "the relay names no hop", or it posts
 * straight to the relay from the address the hop hides. It is `unknown`, apart from a saved "none".
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const saved: { value?: unknown; fail?: boolean } = {};
vi.mock('../src/platform/encryptedKv.ts', () => ({
  sealedGet: async () => {
    if (saved.fail) throw new Error('storage failed');
    return saved.value;
  },
  sealedPut: async () => undefined,
}));

const { announcedIngress } = await import('../src/session/announcedIngress.ts');

beforeEach(() => {
  delete saved.value;
  delete saved.fail;
  // The attacker's stall: the request never answers within the wait.
  vi.stubGlobal('fetch', async () => {
    throw new DOMException('timed out', 'TimeoutError');
  });
});

describe('the hop when the relay does not answer', () => {
  it('is unknown, not none, with nothing saved', async () => {
    expect(await announcedIngress('https://relay.example.org', 10)).toEqual({ url: undefined, from: 'unknown' });
  });

  it('is unknown when the saved record cannot be read', async () => {
    saved.fail = true;
    expect(await announcedIngress('https://relay.example.org', 10)).toEqual({ url: undefined, from: 'unknown' });
  });

  it('is the saved answer when there is one, "none" included', async () => {
    saved.value = { url: null };
    expect(await announcedIngress('https://relay.example.org', 10)).toEqual({ url: undefined, from: 'saved' });
    saved.value = { url: 'https://hop.example.net/' };
    expect(await announcedIngress('https://relay.example.org', 10)).toEqual({ url: 'https://hop.example.net/', from: 'saved' });
  });
});
