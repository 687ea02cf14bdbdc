/**
 * @module link-org-key-mark.test
 * The link answer's `orgKeyFromChain` mark (identity/linkHandshake.ts): the linking device took
 * the org key from the chain after its enrolment, so the new device must trust it no more. Bytes
 * from the network: only `true` or absent opens; anything else is refused with DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { certifyDevice, DecodeError, linkKeys, newIdentityKey, newLinkSecret, newLogKey, openLinkMessage, sealLinkMessage } from '../src/index.ts';

describe("a link answer that says the linking device's org key came from the chain", () => {
  const identity = newIdentityKey();
  const certificate = certifyDevice(identity, { handle: 'alice' as never, deviceId: 'd'.repeat(32) as never, deviceKey: newLogKey().publicKey });
  const keys = linkKeys(newLinkSecret());

  it('opens with the mark as sent, and without one as before', async () => {
    expect(await openLinkMessage(keys, await sealLinkMessage(keys, { t: 'link-response', certificate, identity, orgKeyFromChain: true }))).toMatchObject({ orgKeyFromChain: true });
    expect(await openLinkMessage(keys, await sealLinkMessage(keys, { t: 'link-response', certificate, identity }))).not.toHaveProperty('orgKeyFromChain');
  });

  it.each([false, 'true', 1, null, {}])('refuses a mark of %j', async (mark) => {
    const box = await sealLinkMessage(keys, { t: 'link-response', certificate, identity, orgKeyFromChain: mark as never });
    await expect(openLinkMessage(keys, box)).rejects.toThrow(DecodeError);
  });
});
