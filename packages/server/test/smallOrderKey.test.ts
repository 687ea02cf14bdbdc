/**
 * A device key that is a small-order point (the all-zero key) "verifies" forged signatures for
 * some messages, so an enrolment with one proves nothing. The relay refuses it before it even
 * looks at the signature, however many challenges the attacker tries.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/httpApi.ts';
import { invite } from './support/enrolDevice.ts';
import { startTestRelay } from './support/testRelay.ts';

describe('enrolment with a small-order key', () => {
  it('is refused with VALIDATION on every attempt, and burns no code', async () => {
    const relay = await startTestRelay();
    const code = await invite(relay.url, relay.adminToken);
    const zero = Buffer.alloc(32).toString('base64url');
    for (let i = 0; i < 8; i++) {
      const { body: ch } = await call(relay.url, 'POST', '/v1/enrol/challenge');
      const r = await call(relay.url, 'POST', '/v1/enrol', { code, handle: 'mallory', signaturePublicKey: zero, nonce: ch.nonce, signature: Buffer.alloc(64).toString('base64url') });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/usable Ed25519 key/);
    }
  });

  it('an identity key that is a small-order point is refused too', async () => {
    const { isIdentityPublicKey } = await import('@hardline/protocol');
    expect(isIdentityPublicKey(Buffer.alloc(32).toString('base64url'))).toBe(false);
  });
});
