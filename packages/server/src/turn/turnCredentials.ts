/**
 * @module turn/turnCredentials
 * Short-lived TURN credentials in the TURN REST scheme (coturn's `use-auth-secret`):
 * username = "<expiry unix seconds>:<128 random bits, hex>", credential =
 * base64(HMAC-SHA1(secret, username)). The username names no user or device, so coturn's
 * allocations cannot be tied to an account by anyone holding its state or logs; the relay mints
 * them for a spent token only (routes/turnRoutes.ts) and keeps no record of them. 128 bits, so
 * that two credentials never share a name (which would tie their two calls together).
 */
import { createHmac, randomBytes } from 'node:crypto';

export type TurnConfig = {
  /** e.g. ["turn:127.0.0.1:3478?transport=udp"] */
  readonly urls: readonly string[];
  readonly secret: string;
  readonly ttlSeconds?: number;
};

export type IceServerCredentials = { urls: string[]; username: string; credential: string };

export function mintTurnCredentials(config: TurnConfig, nowMs: number): { iceServers: IceServerCredentials[]; ttlSeconds: number } {
  const ttlSeconds = config.ttlSeconds ?? 3600;
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${randomBytes(16).toString('hex')}`;
  const credential = createHmac('sha1', config.secret).update(username).digest('base64');
  return { iceServers: [{ urls: [...config.urls], username, credential }], ttlSeconds };
}
