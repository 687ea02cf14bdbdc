/**
 * @module relayLimits
 * Every abuse limit the relay enforces, in one place, with defaults a real organisation would
 * keep. Each is a setting (`RelayOptions.limits`, and the CLI's `--limits FILE`); the defaults
 * are chosen so that ordinary use (a week offline in busy groups, a 10,000-contact book) never
 * meets them, and the tests check both sides.
 */
export type RelayLimits = {
  // Quotas: what may stay on disk (docs/protocol.md §6, "Quotas").
  /**
   * Envelopes waiting in one mailbox (stored, not yet acknowledged); past it a post gets 507
   * MAILBOX_FULL and what was accepted stays. A mailbox is one conversation on one device, so
   * the worst real case is a week offline in one very busy group: 50 people posting 500
   * messages a day is 3,500 messages, plus every other member's delivery receipts, at worst one
   * per message each (they are batched over 5-30 s): 49 x 3,500 = 171,500; about 175,000 in
   * all. 250,000 leaves 40% on top; twenty such groups are twenty mailboxes, each its own quota.
   */
  readonly maxMailboxEnvelopes: number;
  /**
   * Bytes of those envelopes. A text message or a receipt fills the 1 KiB bucket (1,057 bytes
   * with the envelope header, measured), so the 175,000 above are about 176 MiB: 256 MiB
   * leaves 45% for the larger buckets (long messages, commits, Welcomes). It is also what one
   * send capability can put on disk: a flood of 64 KiB posts stops after about 4,100.
   */
  readonly maxMailboxBytes: number;
  /** One blob: the largest blob bucket (2 MiB), which holds a 10,000-contact book. */
  readonly maxBlobBytes: number;
  /**
   * Blobs on the relay, all together, per enrolled (not revoked) device: new blobs are refused
   * with 507 BLOBS_FULL once the relay holds this many times its device count. A user has one
   * contact book, a rotated one until it idles out, and a small link blob per device linked.
   */
  readonly blobsPerDevice: number;
  /** Bytes of those blobs, likewise per enrolled device: four full-size (2 MiB) books each. */
  readonly blobBytesPerDevice: number;
  /**
   * A blob nobody has read or written with its capability for this many days is deleted by
   * the hourly housekeeping. Every device reads its contact book at each sync, so a book in use
   * never idles out; link blobs (used within a day) do.
   */
  readonly blobIdleDays: number;
  /**
   * Free space the data folder's file system must keep: below it, writes that add data (posts,
   * blob writes, KeyPackage uploads, enrolments) get 507 DISK_FULL, while reads and
   * acknowledgements, which free space, go on. Read at most once a second (statfs).
   */
  readonly minFreeDiskBytes: number;
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
  /**
   * TURN tokens one device may fetch per UTC day; one pays for one set of anonymous TURN
   * credentials (routes/turnRoutes.ts), that is one call leg, plus the credential the app keeps
   * ready and renews as it ages (about one an hour while the app is open).
   */
  readonly turnTokensPerDevicePerDay: number;
  /** Days an issuer key is current; the previous one is honoured one more lifetime. */
  readonly tokenKeyLifetimeDays: number;
  /**
   * Tokens that fail verification (forged, replayed), per minute, relay-wide and per source
   * address. Each costs the relay a VOPRF evaluation (~7 ms on one core) to refuse; an honest
   * device fails at most once per key rotation.
   */
  readonly tokenFailuresPerMinute: number;
  readonly tokenFailuresPerMinutePerAddress: number;
  // Connections and bodies (sized before any byte of a body is read).
  /**
   * Concurrent TCP connections, HTTP and WebSocket together. 10,000 devices online at once
   * fit. Unless set, lowered at start to stay 256 under the process's file descriptor limit.
   */
  readonly maxConnections: number;
  /**
   * Concurrent connections from one source address (IPv6: one /64); the counts live in memory
   * only. An office behind one NAT address shares it: each person's app holds 1 to 8.
   */
  readonly maxConnectionsPerAddress: number;
  /** From connect to the end of the request headers (and the TLS handshake); then destroyed. */
  readonly headerTimeoutMs: number;
  /** From the end of the headers to the end of the body; then destroyed. 2.8 MB at 47 KB/s. */
  readonly bodyTimeoutMs: number;
  /**
   * Request body bytes held at once, all requests together, reserved from the declared
   * Content-Length before any byte is read (chunked: as they come); past it, 503 + Retry-After.
   */
  readonly maxBodyBytesInFlight: number;
  /** The same, per source address: one address cannot take the whole budget. */
  readonly maxBodyBytesInFlightPerAddress: number;
  /** WebSockets that carry no session: `/v1/post` sockets and `/v1/inbox` before its auth frame. */
  readonly maxAnonymousSockets: number;
  /** The same, per source address. A client holds one at a time, for a burst of posts. */
  readonly maxAnonymousSocketsPerAddress: number;
  /** An inbox socket must authenticate within this; it is closed 4401 otherwise. */
  readonly wsAuthTimeoutMs: number;
  /** A post socket with nothing in flight for this long is closed (clients close theirs after 200 ms). */
  readonly postSocketIdleMs: number;
  /** Unsent bytes queued on one WebSocket: inbox pushes pause above it, a post socket is dropped. */
  readonly maxSocketSendBuffer: number;
  /** Enrolment attempts that reached a wrong code, relay-wide, per minute (also the burst). */
  readonly enrolFailuresPerMinute: number;
  /** The same, per source address. An address with none lately is never held by the relay-wide bucket. */
  readonly enrolFailuresPerMinutePerAddress: number;
};

export const DEFAULT_LIMITS: RelayLimits = {
  maxMailboxEnvelopes: 250_000,
  maxMailboxBytes: 256 * 1024 * 1024,
  maxBlobBytes: 2 * 1024 * 1024,
  blobsPerDevice: 8,
  blobBytesPerDevice: 8 * 1024 * 1024,
  blobIdleDays: 90,
  minFreeDiskBytes: 1024 * 1024 * 1024,
  claimTokensPerDevicePerDay: 2_000,
  blobTokensPerDevicePerDay: 20,
  turnTokensPerDevicePerDay: 200,
  tokenKeyLifetimeDays: 7,
  tokenFailuresPerMinute: 600,
  tokenFailuresPerMinutePerAddress: 10,
  maxConnections: 16_384,
  maxConnectionsPerAddress: 1_024,
  headerTimeoutMs: 10_000,
  bodyTimeoutMs: 60_000,
  maxBodyBytesInFlight: 64 * 1024 * 1024,
  maxBodyBytesInFlightPerAddress: 16 * 1024 * 1024,
  maxAnonymousSockets: 2_048,
  maxAnonymousSocketsPerAddress: 128,
  wsAuthTimeoutMs: 10_000,
  postSocketIdleMs: 30_000,
  maxSocketSendBuffer: 4 * 1024 * 1024,
  enrolFailuresPerMinute: 600,
  enrolFailuresPerMinutePerAddress: 10,
};

/** Defaults overlaid with what the operator set; unknown or non-positive values are refused. */
export function resolveLimits(overrides: Partial<Record<string, unknown>> | undefined): RelayLimits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw new RangeError(`unknown limit ${JSON.stringify(key)}; known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`limit ${key} must be a positive number`);
    out[key] = value;
  }
  return out as RelayLimits;
}
