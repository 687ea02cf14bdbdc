/**
 * @module enrolThrottle.test
 * Enrolment codes could be guessed at 740/s, unthrottled. Now each wrong code costs a token
 * from its address's bucket and from the relay's; an empty bucket answers 429 with Retry-After
 * before the code is looked at. From both sides: the guesser is held to the rate, and someone
 * with a right code is never held for long, even while guessers empty the relay-wide bucket.
 * Guessers connect from 127.0.0.2 and up; the legitimate enrolment from 127.0.0.1 unless said.
 */
import { describe, expect, it } from 'vitest';
import { FailureThrottle, UNATTRIBUTED_SOURCE } from '../src/limits/failureThrottle.ts';
import { guessEnrolCodes, rawCall } from '../../../test/support/anonymousAttacker.ts';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { invite } from './support/enrolDevice.ts';
import { startTestRelay } from './support/testRelay.ts';

/** A real enrolment with a right code, from `localAddress`. */
async function enrolFrom(url: string, code: string, handle: string, localAddress = '127.0.0.1') {
  const keys = newDeviceKeys();
  const ch = await rawCall(url, 'POST', '/v1/enrol/challenge', undefined, localAddress);
  const nonce = (ch.body as { nonce: string }).nonce;
  const signature = keys.sign(`hardline/v1/enrol\n${nonce}\n${code}\n${handle}\n${keys.publicKeyB64}`);
  return rawCall(url, 'POST', '/v1/enrol', { code, handle, signaturePublicKey: keys.publicKeyB64, nonce, signature }, localAddress);
}

describe('the buckets', () => {
  it('takes a token per tested code, refunds a right one, and refills with time', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 3 }, () => now);
    for (let i = 0; i < 3; i++) expect(t.take('a').allowed).toBe(true);
    const held = t.take('a');
    expect(held).toEqual({ allowed: false, retryAfterSeconds: 20 });
    // Another address is not affected.
    const b = t.take('b');
    expect(b.allowed).toBe(true);
    if (b.allowed) b.refund();
    now += 20_000;
    expect(t.check('a').allowed).toBe(true);
  });

  it('lets an address with no failures through when the relay-wide bucket is empty, and no one else', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 2, perMinutePerAddress: 5 }, () => now);
    expect(t.take('g1').allowed).toBe(true);
    expect(t.take('g2').allowed).toBe(true);
    // Empty relay-wide: g1 has failed lately and is held until its own bucket is full again
    // (12 s at 5 a minute), which comes before the relay's next token (30 s).
    expect(t.take('g1')).toEqual({ allowed: false, retryAfterSeconds: 12 });
    // A fresh address is clean: it may try, even now.
    expect(t.check('fresh').allowed).toBe(true);
    // Once its own bucket refills, g1 is clean again.
    now += 60_000;
    expect(t.check('g1').allowed).toBe(true);
  });

  it('holds attempts through the ingress hop (no address of their own) by the relay-wide bucket alone', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 20, perMinutePerAddress: 3 }, () => now);
    // Far past one address's allowance: the hop's users are many people, not one guesser.
    for (let i = 0; i < 20; i++) expect(t.take(UNATTRIBUTED_SOURCE).allowed).toBe(true);
    expect(t.take(UNATTRIBUTED_SOURCE)).toMatchObject({ allowed: false });
    expect(t.trackedSources()).toBe(0);
    // A right token refunds, so a busy hop of honest users never drains the bucket.
    now += 3_000;
    const a = t.take(UNATTRIBUTED_SOURCE);
    expect(a.allowed).toBe(true);
    if (a.allowed) a.refund();
    expect(t.take(UNATTRIBUTED_SOURCE).allowed).toBe(true);
  });

  it('forgets an address once its bucket is full again', () => {
    let now = 0;
    const t = new FailureThrottle({ perMinute: 100, perMinutePerAddress: 10 }, () => now);
    t.take('a');
    expect(t.trackedSources()).toBe(1);
    now += 120_000;
    t.check('b');
    expect(t.trackedSources()).toBe(0);
  });
});

describe('against a relay', () => {
  it('holds one guessing address to 10 codes a minute, and enrols a right code from another address meanwhile', async () => {
    const relay = await startTestRelay();
    const code = await invite(relay.url, relay.adminToken);
    const t0 = performance.now();
    const guesses = await guessEnrolCodes(relay.url, 100, { localAddress: '127.0.0.2' });
    const seconds = (performance.now() - t0) / 1000;
    // Default: 10 wrong codes per minute per address. At most 10 were tested, the rest refused.
    expect(guesses.tested).toBeLessThanOrEqual(10);
    expect(guesses.tested / seconds).toBeLessThan(740);
    expect(guesses.throttled).toBe(100 - guesses.tested);
    expect(Number(guesses.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(guesses.retryAfter)).toBeLessThanOrEqual(60);
    const ok = await enrolFrom(relay.url, code, 'alice');
    expect(ok.status).toBe(200);
    // The guesser's 429 looks like every other error, with Retry-After.
    const again = await guessEnrolCodes(relay.url, 1, { localAddress: '127.0.0.2' });
    expect(again.throttled).toBe(1);
  });

  it('answers 429 RATE_LIMITED with a JSON error and Retry-After', async () => {
    const relay = await startTestRelay({ limits: { enrolFailuresPerMinutePerAddress: 1 } });
    await guessEnrolCodes(relay.url, 1, { localAddress: '127.0.0.2' });
    const keys = newDeviceKeys();
    const r = await rawCall(relay.url, 'POST', '/v1/enrol', { code: 'X', handle: 'x', signaturePublicKey: keys.publicKeyB64, nonce: 'n', signature: 's' }, '127.0.0.2');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('60');
    expect(r.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('does not lock out a right code while guessers on many addresses empty the relay-wide bucket', async () => {
    const relay = await startTestRelay({ limits: { enrolFailuresPerMinute: 5, enrolFailuresPerMinutePerAddress: 3 } });
    const code = await invite(relay.url, relay.adminToken);
    const other = await invite(relay.url, relay.adminToken);
    const tested = [];
    for (const a of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) tested.push((await guessEnrolCodes(relay.url, 3, { localAddress: a })).tested);
    // The relay-wide bucket held them to 5 in all (3 + 2), though each address had 3; a fresh
    // address gets its one try (it could be someone with a right code), and no more.
    expect(tested).toEqual([3, 2, 1]);
    // An address that has failed lately waits for the relay-wide bucket...
    expect((await guessEnrolCodes(relay.url, 1, { localAddress: '127.0.0.2' })).throttled).toBe(1);
    // ...but someone who has not been guessing enrols with a right code at once.
    expect((await enrolFrom(relay.url, code, 'bob', '127.0.0.5')).status).toBe(200);
    // A right code refunds its token, so it does not count against anyone either.
    expect((await enrolFrom(relay.url, other, 'carol', '127.0.0.5')).status).toBe(200);
  });

  it('lets someone who mistyped in again once their bucket allows', async () => {
    // 60 a minute: one token a second, so the test need not wait long.
    const relay = await startTestRelay({ limits: { enrolFailuresPerMinutePerAddress: 60 } });
    const code = await invite(relay.url, relay.adminToken);
    const g = await guessEnrolCodes(relay.url, 61, { localAddress: '127.0.0.6' });
    expect(g.tested).toBeLessThanOrEqual(61);
    expect(g.throttled).toBeGreaterThanOrEqual(0);
    // Empty now (60 wrong codes in a burst): the right code waits for Retry-After, not longer.
    const held = await enrolFrom(relay.url, code, 'dave', '127.0.0.6');
    if (held.status === 429) {
      expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(2);
      await new Promise((r) => setTimeout(r, Number(held.headers['retry-after']) * 1000));
    }
    expect((await enrolFrom(relay.url, code, 'dave', '127.0.0.6')).status).toBe(200);
  });
});
