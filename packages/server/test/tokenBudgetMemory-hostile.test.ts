/**
 * @module tokenBudgetMemory-hostile.test
 * Whoever gets a memory dump of a running relay (a seized or compromised host) must not learn
 * from the token issuer (tokens/tokenIssuer.ts) which devices fetched tokens on earlier days:
 * the per-device budget counts live in memory only, and the daily housekeeping sweep drops
 * every count that is not today's. Checked on a heap snapshot of this process: the device id
 * is found in it while its count is today's, and no longer once the day is over and swept.
 */
import { randomBytes } from 'node:crypto';
import { getHeapSnapshot } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { requestTokens } from '@hardline/protocol/tokens';
import { TokenIssuer } from '../src/tokens/tokenIssuer.ts';
import { TokenLedger } from '../src/tokens/tokenLedger.ts';
import { tmpDir } from './support/tmpDir.ts';

const DAY = 86_400_000;
const open: TokenLedger[] = [];
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

/** Whether `text` occurs in a heap snapshot of this isolate (taking one collects garbage first). */
async function inMemory(text: () => string): Promise<boolean> {
  const chunks: Buffer[] = [];
  for await (const c of getHeapSnapshot()) chunks.push(c as Buffer);
  // The needle is made only after the snapshot, so that it is not itself in it.
  return Buffer.concat(chunks).includes(text());
}

describe("a memory dump of the relay after midnight's sweep", () => {
  it('does not hold the ids of devices that fetched tokens the day before', async () => {
    const ledger = new TokenLedger(tmpDir());
    open.push(ledger);
    const clock = { now: Date.UTC(2026, 2, 3, 12, 0) };
    const issuer = new TokenIssuer(ledger, { claimTokensPerDevicePerDay: 5, blobTokensPerDevicePerDay: 5, turnTokensPerDevicePerDay: 5, tokenKeyLifetimeDays: 7 }, () => clock.now);
    // The device id is kept only as bytes here; its hex string lives in the issuer alone.
    const device = randomBytes(16);
    const key = await issuer.currentKey('claim');
    const { request } = await requestTokens(key.publicKey, 1);
    await issuer.issue(device.toString('hex') as DeviceId, 'claim', request);
    const hex = () => device.toString('hex');
    issuer.sweep();
    expect(await inMemory(hex)).toBe(true);
    clock.now += DAY;
    issuer.sweep();
    expect(await inMemory(hex)).toBe(false);
  });
});
