/**
 * Body bounds against a chunked upload: with no Content-Length the relay cannot refuse from the
 * headers, so it must count the bytes as they come and answer 413 once past the bound, without
 * waiting for (or buffering) the rest.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_POST_FRAME } from '@hardline/protocol';
import { JSON_BODY_LIMIT } from '../src/http/route.ts';
import { chunkedPost } from './support/chunkedPost.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});

describe('chunked bodies without Content-Length', () => {
  it('answers 413 to a 2.6 MB chunked enrolment, long before the upload ends', async () => {
    const r = await chunkedPost(relay.url, '/v1/enrol', 2_600_000);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('TOO_LARGE');
    // Refused while streaming: the answer came before the attacker had sent it all.
    expect(r.bytesSent).toBeLessThan(2_600_000);
  });

  it('bounds the post endpoint by its own, larger limit', async () => {
    const r = await chunkedPost(relay.url, '/v1/post', MAX_POST_FRAME * 8);
    expect(r.status).toBe(413);
    expect(r.bytesSent).toBeGreaterThan(MAX_POST_FRAME);
    expect(r.bytesSent).toBeLessThan(MAX_POST_FRAME * 8);
  });

  it('still accepts a chunked body under the limit (the bound is not "refuse chunked")', async () => {
    const r = await chunkedPost(relay.url, '/v1/enrol', JSON_BODY_LIMIT / 2);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('DECODE');
  });
});
