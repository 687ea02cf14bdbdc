/**
 * @module relayLimits
 * Every abuse limit the relay enforces, in one place, with defaults a real organisation would
 * keep. Each is a setting (`RelayOptions.limits`, and the CLI's `--limits FILE`); the defaults
 * are chosen so that ordinary use (a week offline in busy groups, a 10,000-contact book) never
 * meets them, and the tests check both sides.
 */
export type RelayLimits = {
  // Privacy Pass tokens (tokens/tokenIssuer.ts): what anonymous actions cost.
  /**
   * Claim tokens one device may fetch per UTC day; one pays for one KeyPackage claim (a new
   * mailbox). Making a 500-person group of two devices each takes 1,000.
   */
  readonly claimTokensPerDevicePerDay: number;
  /**
   * Blob tokens one device may fetch per UTC day; one pays for creating one blob (up to 2 MiB).
   * A device creates its contact book once and one blob per device it links.
   */
  readonly blobTokensPerDevicePerDay: number;
  /** Days an issuer key is current; the previous one is honoured one more lifetime. */
  readonly tokenKeyLifetimeDays: number;
  // Connections and bodies (sized before any byte of a body is read).
  /** Concurrent TCP connections, HTTP and WebSocket together. */
  readonly maxConnections: number;
  /** Concurrent connections from one source address; the counts live in memory only. */
  readonly maxConnectionsPerAddress: number;
};

export const DEFAULT_LIMITS: RelayLimits = {
  claimTokensPerDevicePerDay: 2_000,
  blobTokensPerDevicePerDay: 20,
  tokenKeyLifetimeDays: 7,
  maxConnections: 8_192,
  maxConnectionsPerAddress: 256,
};

/** Defaults overlaid with what the operator set; unknown or non-positive values are refused. */
export function resolveLimits(overrides: Partial<Record<string, unknown>> | undefined): RelayLimits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`unknown limit ${JSON.stringify(key)}; known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`limit ${key} must be a positive number`);
    out[key] = value;
  }
  return out as RelayLimits;
}
