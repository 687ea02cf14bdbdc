/**
 * @module tokenIssuer
 * Anonymous actions cost a Privacy Pass token (protocol tokens/privacyPass.ts). A device
 * fetches tokens in batches over its session, up to a daily budget; a claim, a new blob or a
 * set of TURN credentials then spends one with no session. The relay learns "some enrolled
 * device paid", never which one: issuance is blinded, and spending carries nothing from the batch.
 *
 * The per-device budget counts live in memory only (a map from device id to today's count),
 * like the connection counts: never logged, never persisted. A restart forgets them, which
 * at worst lets each device fetch one more day's budget.
 */
import { HardlineError, toHex, type DeviceId } from '@hardline/protocol';
import { issueTokens, parseToken, verifyToken } from '@hardline/protocol/tokens';
import { RelayError } from '../errors/relayError.ts';
import type { FailureThrottle } from '../limits/failureThrottle.ts';
import { dayNumber } from '../store/day.ts';
import type { IssuerKey, TokenLedger, TokenPurpose } from './tokenLedger.ts';

export type TokenSettings = {
  /** Claim tokens one device may fetch per UTC day. */
  readonly claimTokensPerDevicePerDay: number;
  /** Blob tokens one device may fetch per UTC day. */
  readonly blobTokensPerDevicePerDay: number;
  /** TURN tokens one device may fetch per UTC day. */
  readonly turnTokensPerDevicePerDay: number;
  readonly tokenKeyLifetimeDays: number;
};

const budgetOf = (settings: TokenSettings, purpose: TokenPurpose): number =>
  ({ claim: settings.claimTokensPerDevicePerDay, blob: settings.blobTokensPerDevicePerDay, turn: settings.turnTokensPerDevicePerDay })[purpose];

export class TokenIssuer {
  #budget = new Map<`${TokenPurpose}:${DeviceId}`, { day: number; count: number }>();
  #rotating = new Map<TokenPurpose, Promise<IssuerKey>>();

  constructor(
    private readonly ledger: TokenLedger,
    private readonly settings: TokenSettings,
    private readonly now: () => number,
    /** Failed verifications per source address: a forged token is the dearest thing a stranger can send. */
    private readonly failures?: FailureThrottle,
  ) {}

  /** The key tokens are issued under now, rotated when it has lived its lifetime. */
  async currentKey(purpose: TokenPurpose): Promise<IssuerKey> {
    const [current] = this.ledger.keys(purpose);
    if (current && this.now() - current.createdAt < this.settings.tokenKeyLifetimeDays * 86_400_000) return current;
    // One rotation at a time: two concurrent requests must not make two keys.
    let rotating = this.#rotating.get(purpose);
    if (!rotating) {
      rotating = this.ledger.rotate(purpose, this.now()).finally(() => this.#rotating.delete(purpose));
      this.#rotating.set(purpose, rotating);
    }
    return rotating;
  }

  /** Evaluates a device's blinded batch, charging its budget first. */
  async issue(deviceId: DeviceId, purpose: TokenPurpose, request: string): Promise<{ response: string; keyId: string; remaining: number }> {
    const key = await this.currentKey(purpose);
    const today = dayNumber(this.now());
    const budget = budgetOf(this.settings, purpose);
    const slot = `${purpose}:${deviceId}` as const;
    let reserved = 0;
    // The budget is taken before the evaluation (admit runs after parsing, before any VOPRF
    // work), so a device over budget costs the relay only a decode, and two concurrent batches
    // cannot both pass the check; it is given back if the batch then fails.
    const admit = (count: number): void => {
      const held = this.#budget.get(slot);
      const used = held?.day === today ? held.count : 0;
      if (used + count > budget) {
        throw new HardlineError('TOKEN_BUDGET', `this device may fetch ${budget} ${purpose} tokens a day and has ${Math.max(0, budget - used)} left; try again tomorrow (UTC)`);
      }
      this.#budget.set(slot, { day: today, count: used + count });
      reserved = count;
    };
    try {
      const { response } = await issueTokens(key, request, admit);
      return { response, keyId: key.id, remaining: budget - this.#budget.get(slot)!.count };
    } catch (e) {
      const held = this.#budget.get(slot);
      if (reserved > 0 && held?.day === today) held.count -= reserved;
      throw e;
    }
  }

  /**
   * Spends the token that pays for one anonymous action, or throws. Called before the action,
   * so a refused action never runs; a token spent on an action that then fails for another
   * reason (no such device) is lost, as a stamp on a misaddressed letter is.
   */
  async spend(purpose: TokenPurpose, value: unknown, source = ''): Promise<void> {
    if (value === undefined || value === null) throw new HardlineError('TOKEN_REQUIRED', `this action needs a ${purpose} token (POST /v1/tokens/${purpose} with a session fetches them)`);
    const parsed = parseToken(value);
    await this.currentKey(purpose);
    const keyId = toHex(parsed.keyId);
    // Only this purpose's keys: a claim token does not pay for a blob.
    const key = this.ledger.keys(purpose).find((k) => k.id === keyId);
    if (!key) throw new HardlineError('TOKEN_INVALID', 'token was not issued by this relay for this action, or its key has retired; fetch fresh tokens');
    // Charged before the VOPRF evaluation and refunded when the token pays: only failures cost.
    const attempt = this.failures?.take(source);
    if (attempt && !attempt.allowed) {
      throw new RelayError('RATE_LIMITED', `too many tokens that did not verify from here; retry in ${attempt.retryAfterSeconds} s`, { retryAfterSeconds: attempt.retryAfterSeconds });
    }
    if (!(await verifyToken(key, parsed))) throw new HardlineError('TOKEN_INVALID', 'token was not issued by this relay for this action, or its key has retired; fetch fresh tokens');
    if (!this.ledger.spend(keyId, parsed.nonce)) throw new HardlineError('TOKEN_SPENT', 'this token was already spent');
    if (attempt?.allowed) attempt.refund();
  }

  /** Forgets budgets from earlier days (housekeeping). */
  sweep(): void {
    const today = dayNumber(this.now());
    for (const [device, b] of this.#budget) if (b.day !== today) this.#budget.delete(device);
  }
}
