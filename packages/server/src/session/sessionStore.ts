/**
 * @module sessionStore
 * Device session tokens, in memory only. Keeping them out of the database means a seized file
 * holds no live credential, and a restart just asks devices to sign a new challenge.
 */
import { randomBytes } from 'node:crypto';
import type { DeviceId } from '@hardline/protocol';

export const SESSION_TTL_MS = 24 * 3_600_000;

type Session = { readonly deviceId: DeviceId; readonly expiresAt: number };

export class SessionStore {
  readonly #byToken = new Map<string, Session>();
  readonly #byDevice = new Map<DeviceId, Set<string>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  create(deviceId: DeviceId): string {
    const token = randomBytes(32).toString('base64url');
    this.#byToken.set(token, { deviceId, expiresAt: this.#now() + SESSION_TTL_MS });
    let set = this.#byDevice.get(deviceId);
    if (!set) this.#byDevice.set(deviceId, (set = new Set()));
    set.add(token);
    return token;
  }

  /** The device of a live token, or undefined. */
  lookup(token: string): DeviceId | undefined {
    const s = this.#byToken.get(token);
    if (!s) return undefined;
    if (s.expiresAt < this.#now()) {
      this.#drop(token, s.deviceId);
      return undefined;
    }
    return s.deviceId;
  }

  revokeDevice(deviceId: DeviceId): void {
    for (const token of this.#byDevice.get(deviceId) ?? []) this.#byToken.delete(token);
    this.#byDevice.delete(deviceId);
  }

  /** Drops expired tokens; called from the relay's periodic housekeeping. */
  sweep(): void {
    const now = this.#now();
    for (const [token, s] of this.#byToken) if (s.expiresAt < now) this.#drop(token, s.deviceId);
  }

  #drop(token: string, deviceId: DeviceId): void {
    this.#byToken.delete(token);
    const set = this.#byDevice.get(deviceId);
    set?.delete(token);
    if (set && set.size === 0) this.#byDevice.delete(deviceId);
  }
}
