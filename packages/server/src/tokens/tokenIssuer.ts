/**
 * @module tokenIssuer
 * Anonymous actions cost a Privacy Pass token (protocol tokens/privacyPass.ts). A device
 * fetches tokens in batches over its session, up to a daily budget; a claim or a new blob then
 * spends one with no session. The relay learns "some enrolled device paid", never which one:
 * issuance is blinded, and spending carries nothing from the batch.
 *
 * The per-device budget counts live in memory only (a map from device id to today's count),
 * like the connection counts: never logged, never persisted. A restart forgets them, which
 * at worst lets each device fetch one more day's budget.
 */
import { HardlineError, issueTokens, parseToken, toHex, verifyToken, type DeviceId } from '@hardline/protocol';
import { dayNumber } from '../store/day.ts';
import type { IssuerKey, TokenLedger } from './tokenLedger.ts';

export type TokenSettings = {
  /** Tokens one device may fetch per UTC day. */
  readonly tokensPerDevicePerDay: number;
  readonly tokenKeyLifetimeDays: number;
};

export class TokenIssuer {
  #budget = new Map<DeviceId, { day: number; count: number }>();
  #rotating: Promise<IssuerKey> | undefined;

  constructor(
    private readonly ledger: TokenLedger,
    private readonly settings: TokenSettings,
    private readonly now: () => number,
  ) {}

  /** The key tokens are issued under now, rotated when it has lived its lifetime. */
  async currentKey(): Promise<IssuerKey> {
    const [current] = this.ledger.keys();
    if (current && this.now() - current.createdAt < this.settings.tokenKeyLifetimeDays * 86_400_000) return current;
    // One rotation at a time: two concurrent requests must not make two keys.
    this.#rotating ??= this.ledger.rotate(this.now()).finally(() => (this.#rotating = undefined));
    return this.#rotating;
  }

  /** Evaluates a device's blinded batch, charging its budget first. */
  async issue(deviceId: DeviceId, request: string): Promise<{ response: string; keyId: string; remaining: number }> {
    const key = await this.currentKey();
    const today = dayNumber(this.now());
    const spentToday = this.#budget.get(deviceId);
    const used = spentToday?.day === today ? spentToday.count : 0;
    const { response, count } = await issueTokens(key, request);
    if (used + count > this.settings.tokensPerDevicePerDay) {
      throw new HardlineError('TOKEN_BUDGET', `this device may fetch ${this.settings.tokensPerDevicePerDay} tokens a day and has ${Math.max(0, this.settings.tokensPerDevicePerDay - used)} left; try again tomorrow (UTC)`);
    }
    this.#budget.set(deviceId, { day: today, count: used + count });
    return { response, keyId: key.id, remaining: this.settings.tokensPerDevicePerDay - used - count };
  }

  /**
   * Spends the token that pays for one anonymous action, or throws. Called before the action,
   * so a refused action never runs; a token spent on an action that then fails for another
   * reason (no such device) is lost, as a stamp on a misaddressed letter is.
   */
  async spend(value: unknown): Promise<void> {
    if (value === undefined || value === null) throw new HardlineError('TOKEN_REQUIRED', 'this action needs a Privacy Pass token (POST /v1/tokens with a session fetches them)');
    const parsed = parseToken(value);
    await this.currentKey();
    const keyId = toHex(parsed.keyId);
    const key = this.ledger.keys().find((k) => k.id === keyId);
    if (!key || !(await verifyToken(key, parsed))) throw new HardlineError('TOKEN_INVALID', 'token was not issued by this relay, or its key has retired; fetch fresh tokens');
    if (!this.ledger.spend(keyId, parsed.nonce)) throw new HardlineError('TOKEN_SPENT', 'this token was already spent');
  }

  /** Forgets budgets from earlier days (housekeeping). */
  sweep(): void {
    const today = dayNumber(this.now());
    for (const [device, b] of this.#budget) if (b.day !== today) this.#budget.delete(device);
  }
}
