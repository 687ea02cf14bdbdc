/**
 * @module gatewayKeys
 * The relay's Oblivious HTTP gateway keys (RFC 9458 §3), in `ohttp-keys.json` in the data
 * folder, mode 0600: whoever reads the file can open requests that went through a hop.
 *
 * Keys rotate every `rotateDays` (lazily, when the keys are next asked for) or on `rotate()`.
 * The previous key is still accepted for `graceDays` after a rotation, so a client holding the
 * old config is not refused mid-send; it refetches on OHTTP_KEY otherwise. Old keys are then
 * forgotten: forward secrecy for requests a hop may have recorded.
 */
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64Url, toBase64Url, DecodeError } from '@hardline/protocol';
import { encodeKeyConfigs, gatewayKey, type GatewayKey } from '@hardline/protocol/ohttp';
import { DATA_FILE_MODE } from '../store/dataDirAccess.ts';

export const GATEWAY_KEYS_FILE = 'ohttp-keys.json';
const DAY_MS = 86_400_000;

/** `retiredAt`: when a newer key took over; accepted until `graceDays` after it. */
type StoredKey = { readonly keyId: number; readonly privateKey: string; readonly createdAt: number; readonly retiredAt?: number };
type HeldKey = GatewayKey & { readonly createdAt: number; readonly retiredAt?: number };

export type GatewayKeyOptions = { readonly rotateDays?: number; readonly graceDays?: number; readonly now?: () => number };

export class GatewayKeys {
  readonly #path: string;
  readonly #rotateMs: number;
  readonly #graceMs: number;
  readonly #now: () => number;
  #keys: HeldKey[];

  constructor(dataDir: string, options: GatewayKeyOptions = {}) {
    this.#path = join(dataDir, GATEWAY_KEYS_FILE);
    this.#rotateMs = (options.rotateDays ?? 30) * DAY_MS;
    this.#graceMs = (options.graceDays ?? 7) * DAY_MS;
    this.#now = options.now ?? Date.now;
    this.#keys = this.#load();
    if (this.#keys.length === 0) this.rotate();
  }

  /** Keys accepted now, newest first; the first is the one published. */
  held(): readonly GatewayKey[] {
    const now = this.#now();
    if (now - this.#keys[0]!.createdAt >= this.#rotateMs) this.rotate();
    else if (this.#keys.some((k) => this.#expired(k, now))) {
      this.#keys = this.#keys.filter((k) => !this.#expired(k, now));
      this.#save();
    }
    return this.#keys;
  }

  #expired(k: HeldKey, now: number): boolean {
    return k.retiredAt !== undefined && now - k.retiredAt >= this.#graceMs;
  }

  /** `application/ohttp-keys`: the current key only, so every client encapsulates to the same one. */
  published(): Uint8Array {
    return encodeKeyConfigs([this.held()[0]!.config]);
  }

  /** A fresh key becomes current; the previous one stays accepted for the grace period. */
  rotate(): void {
    const now = this.#now();
    const taken = new Set(this.#keys.map((k) => k.config.keyId));
    let keyId = ((this.#keys[0]?.config.keyId ?? 0) + 1) % 256;
    while (taken.has(keyId)) keyId = (keyId + 1) % 256;
    const fresh = { ...gatewayKey(keyId), createdAt: now };
    const retired = this.#keys.map((k) => (k.retiredAt === undefined ? { ...k, retiredAt: now } : k)).filter((k) => !this.#expired(k, now));
    this.#keys = [fresh, ...retired];
    this.#save();
  }

  #load(): HeldKey[] {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    try {
      const stored = (JSON.parse(text) as { keys: StoredKey[] }).keys;
      return stored.map((k) => ({ ...gatewayKey(k.keyId, fromBase64Url(k.privateKey, 32)), createdAt: k.createdAt, ...(k.retiredAt === undefined ? {} : { retiredAt: k.retiredAt }) }));
    } catch (cause) {
      throw new DecodeError(`${this.#path} is not a gateway key file; move it away to start with a fresh key`, { cause });
    }
  }

  #save(): void {
    const keys: StoredKey[] = this.#keys.map((k) => ({ keyId: k.config.keyId, privateKey: toBase64Url(k.privateKey), createdAt: k.createdAt, retiredAt: k.retiredAt }));
    // Written aside and renamed: a crash mid-write leaves the old keys, never half a file.
    const tmp = `${this.#path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ keys }), { mode: DATA_FILE_MODE });
    chmodSync(tmp, DATA_FILE_MODE);
    renameSync(tmp, this.#path);
  }
}
