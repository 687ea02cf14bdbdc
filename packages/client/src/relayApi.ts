/**
 * @module relayApi
 * The relay's HTTP API (docs/protocol.md §6). Errors come back as HardlineError with the
 * relay's stable code; a relay that cannot be reached is UNAVAILABLE, so the CLI can say
 * "queued" rather than "failed".
 */
import { fromBase64Url, HardlineError, toBase64Url, toHex, utf8, type DeviceCertificate, type DeviceId, type DeviceRevocation, type Handle, type MailboxId, type UserId } from '@hardline/protocol';
import { IngressFetch, type IngressFetchOptions } from './ingressFetch.ts';
import { payWithToken, TokenWallet } from './tokenWallet.ts';
import { TurnCredentialCache, type TurnCredentials } from './turnCredentialCache.ts';
import type { Transport } from './transport.ts';
import type { UnsentError } from './unsentError.ts';

export type DirectoryUser = {
  userId: UserId;
  handle: Handle;
  displayName: string;
  /** Published for contact matching (E.164); absent unless the user chose to publish it. */
  phone?: string;
  /** Published for contact matching (lower case); absent unless the user chose to publish it. */
  email?: string;
  /** The person's identity key as the relay serves it: trusted only as trustRules.ts says. */
  identityKey?: string;
  devices: {
    deviceId: DeviceId;
    signaturePublicKey: string;
    revoked: boolean;
    /** The device's certificate (protocol identity/deviceCertificate.ts), opaque to the relay. */
    certificate?: unknown;
    /** A revocation signed by the identity key, when the person revoked the device. */
    revocation?: unknown;
  }[];
};

/** `null` clears a published phone or email; an absent field stays as it is. */
export type ProfileUpdate = { displayName?: string; phone?: string | null; email?: string | null };

export type Profile = { handle: Handle; displayName: string; phone: string | null; email: string | null };

export type Signer = (message: Uint8Array) => Promise<Uint8Array>;

/** How an unauthenticated call leaves (RelayApi.request). */
export type Via = 'ingress' | 'unlinked';

export class RelayApi {
  private token: string | undefined;
  /**
   * Set by useIngress: the anonymous calls go through this hop instead of straight to the relay.
   * Set by holdAnonymous: they go nowhere.
   */
  private ingress: Pick<IngressFetch, 'fetch' | 'stop'> | undefined;
  /** Privacy Pass tokens that pay for the anonymous claim and new-blob calls. */
  readonly claimTokens = new TokenWallet(this, 'claim');
  /** Few are ever needed (the contact book, one per linked device): small batches. */
  readonly blobTokens = new TokenWallet(this, 'blob', { batch: 2, lowWater: 1 });
  /** About three a call-free hour (the ready set's renewals) plus one a call. */
  readonly turnTokens = new TokenWallet(this, 'turn', { batch: 8, lowWater: 3 });
  /** TURN credentials bought anonymously with turnTokens, one set kept ready for the next call. */
  readonly turn = new TurnCredentialCache(this.turnTokens, (token) => this.buyTurnCredentials(token));
  constructor(
    readonly base: URL,
    private readonly transport: Transport,
    private readonly device?: { deviceId: DeviceId; sign: Signer },
  ) {}

  /** Background work stops with the client: no refill or purchase from a closed one. */
  close(): void {
    this.turn.stop();
    this.ingress?.stop();
    for (const w of [this.claimTokens, this.blobTokens, this.turnTokens]) w.stop();
  }

  /** Sends posts, claims and blob calls through an Oblivious HTTP hop (ingressFetch.ts). */
  useIngress(ingress: URL, opts?: IngressFetchOptions): void {
    this.ingress?.stop();
    const hop = new IngressFetch(ingress, this.transport, opts);
    this.ingress = hop;
    // Now rather than lazily: a key fetch right before the first post would time that post.
    hop.prefetch();
  }

  /** Anonymous calls go straight to the relay again (the signed policy no longer names a hop). */
  dropIngress(): void {
    this.ingress?.stop();
    this.ingress = undefined;
  }

  /**
   * Anonymous calls fail with `held()` and reach no one, until useIngress or dropIngress decides
   * where they go (ingressRoute.ts: the device still waits for its invite in the org's chain).
   */
  holdAnonymous(held: () => UnsentError): void {
    this.ingress?.stop();
    this.ingress = { fetch: () => Promise.reject(held()), stop: () => undefined };
  }

  /**
   * `via: 'ingress'` marks an anonymous call: it goes through the hop when one is set (or is held).
   * `via: 'unlinked'`: straight to the relay, on a connection of its own, hop or hold aside (a
   * linked device's own handshake, deviceLinking.ts).
   */
  async request<T>(method: string, path: string, body?: unknown, auth?: 'session' | { bearer: string } | { capability: string }, via?: Via, extra?: Readonly<Record<string, string>>): Promise<T> {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined && !(body instanceof Uint8Array)) headers['content-type'] = 'application/json';
    if (body instanceof Uint8Array) headers['content-type'] = 'application/octet-stream';
    if (auth === 'session') headers['authorization'] = `Bearer ${await this.sessionToken()}`;
    else if (auth && 'capability' in auth) headers['authorization'] = `Capability ${auth.capability}`;
    else if (auth) headers['authorization'] = `Bearer ${auth.bearer}`;
    let res: Response;
    try {
      // Anonymous calls go through the hop when one is set, else on a connection of their own.
      const unlinked = this.transport.fetchUnlinked ?? this.transport.fetch;
      const send = via === 'ingress' ? (this.ingress?.fetch ?? unlinked) : via === 'unlinked' ? unlinked : this.transport.fetch;
      res = await send(new URL(path, this.base), {
        method,
        headers,
        body: body === undefined ? undefined : body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      });
    } catch (cause) {
      if (cause instanceof HardlineError) throw cause;
      throw new HardlineError('UNAVAILABLE', `relay at ${this.base.origin} is unreachable`, { cause });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (cause) {
      // The connection broke inside the answer: the network failed, the relay said nothing.
      throw new HardlineError('UNAVAILABLE', `the answer from relay at ${this.base.origin} was cut off`, { cause });
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // A 5xx page that is not ours (a proxy in front of the relay, a relay restarting) is an
      // outage, not an answer: callers such as key transparency must not read it as a refusal.
      throw new HardlineError(res.status >= 500 ? 'UNAVAILABLE' : 'DECODE', `relay sent a non-JSON reply (HTTP ${res.status})`);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } }).error;
      if (res.status === 401 && auth === 'session' && this.token) {
        this.token = undefined;
        return this.request(method, path, body, auth);
      }
      throw new HardlineError((err?.code ?? 'UNAVAILABLE') as never, err?.message ?? `relay answered HTTP ${res.status}`);
    }
    return json as T;
  }

  async sessionToken(): Promise<string> {
    if (this.token) return this.token;
    if (!this.device) throw new HardlineError('USAGE', 'this device is not registered');
    const { deviceId, sign } = this.device;
    const { nonce } = await this.request<{ nonce: string }>('POST', '/v1/session/challenge', { deviceId });
    const signature = await sign(utf8.encode(`hardline/v1/session\n${nonce}\n${deviceId}`));
    const { token } = await this.request<{ token: string }>('POST', '/v1/session', { deviceId, nonce, signature: toBase64Url(signature) });
    this.token = token;
    return token;
  }

  org() {
    return this.request<{ ciphersuite: string }>('GET', '/v1/org');
  }

  async enrol(args: { code: string; handle: string; displayName: string; signaturePublicKey: Uint8Array; sign: Signer; identityKey?: string }) {
    const { nonce } = await this.request<{ nonce: string }>('POST', '/v1/enrol/challenge', {});
    const pub = toBase64Url(args.signaturePublicKey);
    const signature = await args.sign(utf8.encode(`hardline/v1/enrol\n${nonce}\n${args.code}\n${args.handle}\n${pub}`));
    return this.request<{ userId: UserId; deviceId: DeviceId; handle: Handle }>('POST', '/v1/enrol', {
      code: args.code,
      handle: args.handle,
      displayName: args.displayName,
      signaturePublicKey: pub,
      nonce,
      signature: toBase64Url(signature),
      ...(args.identityKey ? { identityKey: args.identityKey } : {}),
    });
  }

  /** Publishes a certificate for one of this user's devices (this one, or one it links). */
  putCertificate(deviceId: DeviceId, certificate: DeviceCertificate) {
    return this.request('PUT', `/v1/devices/${deviceId}/certificate`, { certificate }, 'session');
  }

  directory() {
    return this.request<{ users: DirectoryUser[] }>('GET', '/v1/directory', undefined, 'session');
  }

  updateProfile(update: ProfileUpdate) {
    return this.request<Profile>('PUT', '/v1/profile', update, 'session');
  }

  /**
   * Anonymous on purpose: a blob is reached by its capability alone, so the relay cannot tie it
   * to this device's session. Undefined when there is no such blob.
   */
  async getBlob(id: string, capability: Uint8Array, via: Via = 'ingress'): Promise<{ version: number; data: Uint8Array } | undefined> {
    try {
      const r = await this.request<{ version: number; data: string }>('GET', `/v1/blobs/${id}`, undefined, { capability: toHex(capability) }, via);
      return { version: r.version, data: fromBase64Url(r.data, 4 << 20) };
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** Compare-and-swap; `expectedVersion` 0 creates. Throws CONFLICT when the blob moved on. */
  async putBlob(id: string, capability: Uint8Array, expectedVersion: number, data: Uint8Array, via: Via = 'ingress'): Promise<number> {
    const put = (token?: string) =>
      this.request<{ version: number }>('PUT', `/v1/blobs/${id}`, { version: expectedVersion, data: toBase64Url(data), ...(token ? { token } : {}) }, { capability: toHex(capability) }, via);
    // Creating a blob costs a token; updating one is paid for by its capability.
    const r = expectedVersion === 0 ? await payWithToken(this.blobTokens, put) : await put();
    return r.version;
  }

  /** `readSecret` goes with the last-resort KeyPackage only. */
  uploadKeyPackages(items: { keyPackage: Uint8Array; readCapHash: Uint8Array; readSecret?: Uint8Array }[]) {
    return this.request('POST', '/v1/keypackages', {
      keyPackages: items.map((i) => ({ keyPackage: toBase64Url(i.keyPackage), readCapHash: toBase64Url(i.readCapHash), ...(i.readSecret ? { readSecret: toBase64Url(i.readSecret) } : {}) })),
    }, 'session');
  }

  /** Unclaimed KeyPackages at the relay, the last-resort one apart (false after a relay restart). */
  keyPackageCount() {
    return this.request<{ count: number; lastResort?: boolean }>('GET', '/v1/keypackages/count', undefined, 'session');
  }

  /** Anonymous on purpose: the relay must not learn who is about to talk to this device. */
  /** `mailboxNonce`: the claim got the device's last-resort KeyPackage, and its own mailbox from this nonce. */
  async claimKeyPackage(deviceId: DeviceId): Promise<{ keyPackage: Uint8Array; mailboxNonce?: Uint8Array }> {
    const { keyPackage, mailboxNonce } = await payWithToken(this.claimTokens, (token) => this.request<{ keyPackage: string; mailboxNonce?: string }>('POST', '/v1/keypackages/claim', { deviceId, token }, undefined, 'ingress'));
    return { keyPackage: fromBase64Url(keyPackage, 16 * 1024), ...(mailboxNonce ? { mailboxNonce: fromBase64Url(mailboxNonce, 16) } : {}) };
  }

  /**
   * Deletes a mailbox this device has moved away from (mailboxRotation.ts). Anonymous on
   * purpose, like reading it: the read capability alone authorises it.
   */
  retireMailbox(id: MailboxId, readCap: Uint8Array) {
    return this.request<{ retired: MailboxId }>('POST', `/v1/mailboxes/${id}/retire`, {}, { capability: toHex(readCap) });
  }

  /** Anonymous on purpose: the credentials, and so the call's TURN allocation, name no device. */
  buyTurnCredentials(token: string) {
    return this.request<TurnCredentials>('POST', '/v1/turn/credentials', { token }, undefined, 'ingress');
  }

  /**
   * One post frame over HTTP (ingressPoster.ts); the WebSocket Poster is the usual path.
   * `later`: the recipient's push wake-up may wait for their level (`Hardline-Wake: later`).
   */
  postFrame(frame: Uint8Array, wake: 'now' | 'later' = 'now') {
    return this.request<{ accepted: string }>('POST', '/v1/post', frame, undefined, 'ingress', wake === 'later' ? { 'hardline-wake': 'later' } : undefined);
  }

  /**
   * A hold on this epoch's commit lock, or undefined when another device holds it. The lock
   * calls carry only the epoch's token and go through the hop like the commit they guard: on
   * the session's connection they would tell the relay which device is about to commit.
   */
  async takeLock(token: string): Promise<string | undefined> {
    try {
      return (await this.request<{ hold: string }>('POST', '/v1/locks', { token }, undefined, 'ingress')).hold;
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'CONFLICT') return undefined;
      throw e;
    }
  }

  /** Makes the lock this device's for good, right before it posts its commit; false if it lost it. */
  async confirmLock(token: string, hold: string): Promise<boolean> {
    try {
      await this.request('POST', '/v1/locks/confirm', { token, hold }, undefined, 'ingress');
      return true;
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'CONFLICT') return false;
      throw e;
    }
  }

  /** Gives the lock back: this device has nothing to commit after all. */
  async releaseLock(token: string, hold: string): Promise<void> {
    await this.request('POST', '/v1/locks/release', { token, hold }, undefined, 'ingress');
  }

  createLinkCode() {
    return this.request<{ code: string }>('POST', '/v1/devices/link-codes', {}, 'session');
  }

  revokeDevice(deviceId: DeviceId, revocation?: DeviceRevocation) {
    return this.request('POST', `/v1/devices/${deviceId}/revoke`, revocation ? { revocation } : {}, 'session');
  }

  adminInvite(adminToken: string, handle?: string) {
    return this.request<{ code: string }>('POST', '/v1/admin/invites', handle ? { handle } : {}, { bearer: adminToken });
  }
}
