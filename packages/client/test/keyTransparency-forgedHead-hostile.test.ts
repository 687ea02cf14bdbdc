/**
 * @module keyTransparency-forgedHead-hostile.test
 * A relay serving a tree head that the log key this device pinned did not sign: a head from
 * another log (one kept for someone else, or made up). Before any split view it must fail the
 * refresh with CRYPTO: the device neither adopts it nor carries on as if the relay had answered.
 * After a split view is on record (the relay was already caught keeping separate logs) the device
 * carries on under its own head, so one caught relay cannot stop every sync; it still adopts
 * nothing from the other log.
 */
import { describe, expect, it } from 'vitest';
import { newLogKey, type Handle } from '@hardline/protocol';
import { deviceOn, transparencyLog } from './support/transparencyLog.ts';

const forger = newLogKey();

describe('a relay that serves a tree head the pinned log key did not sign', () => {
  it('fails the refresh with CRYPTO, and the device keeps the head it had', async () => {
    const log = transparencyLog();
    const ours = log.head(10);
    log.current = log.head(12, forger.secretKey);
    const { kt, state } = deviceOn(log.api, { logKey: log.key.publicKey, head: ours });
    await expect(kt.refreshHead()).rejects.toMatchObject({ code: 'CRYPTO' });
    expect(state.head).toEqual(ours);
    expect(kt.splitView()).toBeUndefined();
  });

  it('on a device that holds no head yet: fails with CRYPTO, and the forged head is not adopted', async () => {
    const log = transparencyLog();
    log.current = log.head(12, forger.secretKey);
    const { kt, state } = deviceOn(log.api, { logKey: log.key.publicKey });
    await expect(kt.refreshHead()).rejects.toMatchObject({ code: 'CRYPTO' });
    expect(state.head).toBeUndefined();
  });

  it('once a split view is on record: the device carries on under its own head and adopts nothing', async () => {
    const log = transparencyLog();
    const ours = log.head(10);
    const other = log.head(11, forger.secretKey);
    const splitView = { code: 'SPLIT_VIEW', reason: 'different-log-key', detectedAt: new Date(0).toISOString(), via: 'gossip', from: 'bob' as Handle, ours, theirs: other } as const;
    log.current = log.head(12, forger.secretKey);
    const { kt, state } = deviceOn(log.api, { logKey: log.key.publicKey, head: ours, splitView });
    await expect(kt.refreshHead()).resolves.toEqual(ours);
    expect(state.head).toEqual(ours);
    expect(kt.splitView()).toBe(splitView);
  });
});
