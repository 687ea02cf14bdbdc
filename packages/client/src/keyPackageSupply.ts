/**
 * @module keyPackageSupply
 * This device's KeyPackages at the relay, and claiming other devices' ones: keeping the pool
 * topped up, keeping one last-resort KeyPackage there (RFC 9420 §16.8) and replacing it once a
 * Welcome came through it, claiming a mailbox of its own for a new conversation, and claiming
 * a member device's package for a commit. HardlineClient delegates all of this here.
 *
 * Last resort: a stranger can claim every normal KeyPackage of a device anonymously. The relay
 * then hands out the last-resort one, which it never deletes, with a fresh nonce per claim; the
 * claimer names the claim's own mailbox in the roster and sends the Welcome to the package's
 * usual mailbox. On joining, this device finds its mailbox in the roster and derives its read
 * capability (protocol lastResortKeyPackage.ts). So no message is lost and no conversation of
 * one sender shares a mailbox with another's.
 */
import {
  capabilityHash,
  decodeKeyPackage,
  fromBase64Url,
  fromHex,
  HardlineError,
  keyPackageMailbox,
  lastResortMailbox,
  lastResortReadCap,
  newKeyPackage,
  randomBytes,
  toBase64Url,
  toHex,
  type DeviceId,
  type Handle,
  type MailboxId,
  type Roster,
  type RosterDevice,
} from '@hardline/protocol';
import type { CiphersuiteImpl, KeyPackage } from 'ts-mls';
import type { DeviceState, StoredKeyPackage } from './deviceState.ts';
import type { RelayApi } from './relayApi.ts';

/** The relay takes at most this many per upload (server keyPackageRoutes.ts). */
const MAX_PER_UPLOAD = 100;
/**
 * A replaced last-resort KeyPackage is kept this long: a claimer that claimed it before the
 * replacement may post its Welcome later (from an outbox, after days offline). Its private keys
 * go after that, which bounds how long a reused init key weakens forward secrecy.
 */
export const RETIRED_LAST_RESORT_MS = 14 * 24 * 3600 * 1000;

/** A member device claimed for a commit; the Welcome goes to `welcomeTo`, the rest to `device`. */
/** How long after linking a device its missing KeyPackages are retried at every reconcile. */
const LINKED_GRACE_MS = 10 * 60_000;

export type ClaimedDevice = {
  readonly kp: KeyPackage;
  readonly bytes: Uint8Array;
  readonly device: RosterDevice;
  readonly welcomeTo: { readonly mailboxId: MailboxId; readonly sendCap: string };
};

export type OwnMailbox = { id: MailboxId; readCap: string; sendCap: string };

export class KeyPackageSupply {
  /**
   * Devices whose last claim found no KeyPackage, and when. Reconcile leaves them alone for a
   * while instead of claiming (and taking the epoch lock) on every sync. Memory only.
   */
  private readonly claimMisses = new Map<DeviceId, number>();
  /**
   * Devices this one certified in a link handshake, and when. Such a device uploads its first
   * KeyPackages only once it has collected its certificate (they carry it), so a miss right
   * after linking is expected and must not hold it out of conversations for `retryMs`.
   */
  private readonly linkedAt = new Map<DeviceId, number>();

  constructor(
    private readonly state: DeviceState,
    private readonly api: RelayApi,
    private readonly impl: CiphersuiteImpl,
    private readonly save: () => Promise<void>,
    private readonly handleOf: (deviceId: DeviceId) => Handle | undefined,
    /** The AuthenticationService's verdict on a claimed package's leaf (certifiedAuthenticationService). */
    private readonly accepts: (kp: KeyPackage) => Promise<boolean>,
    private readonly target = 20,
  ) {}

  /**
   * Tops up the relay's pool when it is at half or less, and uploads a fresh last-resort
   * KeyPackage when the relay has none (a restart drops them) or a Welcome came through it.
   * Resolves with how many were uploaded.
   */
  async replenish(now = Date.now()): Promise<number> {
    // Uncertified (a linked device not answered yet): no member would accept its leaf.
    if (!this.state.certificate) return 0;
    const { count, lastResort } = await this.api.keyPackageCount();
    const dropped = this.dropRetired(now);
    const current = Object.values(this.state.keyPackages).filter((k) => k.lastResortSecret !== undefined && k.retiredAt === undefined);
    const needLastResort = !lastResort || current.length !== 1 || current[0]!.used === true;
    const normal = count >= this.target / 2 ? 0 : this.target - count;
    if (normal === 0 && !needLastResort) {
      if (dropped) await this.save();
      return 0;
    }
    const uploads: { keyPackage: Uint8Array; readCapHash: Uint8Array; readSecret?: Uint8Array }[] = [];
    if (needLastResort) {
      for (const k of current) k.retiredAt = now;
      const readSecret = randomBytes(32);
      uploads.push({ ...(await this.generate({ readSecret })), readSecret });
    }
    for (let i = 0; i < normal; i++) uploads.push(await this.generate());
    // Private halves are on disk before the relay can hand the public halves to anyone.
    await this.save();
    for (let i = 0; i < uploads.length; i += MAX_PER_UPLOAD) await this.api.uploadKeyPackages(uploads.slice(i, i + MAX_PER_UPLOAD));
    return uploads.length;
  }

  private async generate(lastResort?: { readSecret: Uint8Array }): Promise<{ keyPackage: Uint8Array; readCapHash: Uint8Array }> {
    const kp = await this.ownPackage({ lastResort: lastResort !== undefined });
    const { mailboxId } = keyPackageMailbox(kp.bytes);
    const readCap = randomBytes(32);
    this.state.keyPackages[mailboxId] = {
      publicBytes: toBase64Url(kp.bytes),
      initPrivateKey: toBase64Url(kp.privatePackage.initPrivateKey),
      hpkePrivateKey: toBase64Url(kp.privatePackage.hpkePrivateKey),
      readCap: toHex(readCap),
      ...(lastResort ? { lastResortSecret: toHex(lastResort.readSecret) } : {}),
    };
    return { keyPackage: kp.bytes, readCapHash: capabilityHash(readCap) };
  }

  /** A KeyPackage of this device, its certificate in the credential: for the pool, or its own leaf in a new group. */
  async ownPackage(opts: { lastResort?: boolean } = {}): Promise<Awaited<ReturnType<typeof newKeyPackage>>> {
    const certificate = this.state.certificate;
    if (!certificate) throw new HardlineError('USAGE', 'this device is not certified yet: open the app on the device that made the link code, then try again');
    const keys = { signKey: fromBase64Url(this.state.signKey), publicKey: fromBase64Url(this.state.signPub) };
    return newKeyPackage({ handle: this.state.handle, deviceId: this.state.deviceId }, keys, this.impl, { ...opts, certificate });
  }

  /** Forgets replaced last-resort KeyPackages past their grace period. True if any went. */
  private dropRetired(now: number): boolean {
    let dropped = false;
    for (const [id, k] of Object.entries(this.state.keyPackages)) {
      if (k.retiredAt !== undefined && now - k.retiredAt > RETIRED_LAST_RESORT_MS) {
        delete this.state.keyPackages[id as MailboxId];
        dropped = true;
      }
    }
    return dropped;
  }

  /** Claims one of this device's own KeyPackages to obtain a fresh mailbox for a new conversation. */
  async claimOwnMailbox(): Promise<OwnMailbox> {
    const { keyPackage, mailboxNonce } = await this.api.claimKeyPackage(this.state.deviceId);
    const { mailboxId, sendCap } = keyPackageMailbox(keyPackage);
    const stored = this.state.keyPackages[mailboxId];
    if (!stored) throw new HardlineError('CONFLICT', 'the relay returned a KeyPackage this device does not hold');
    if (mailboxNonce && stored.lastResortSecret) {
      // Its own last-resort package: the claim's mailbox; the package stays (nobody else joined through it).
      const own = lastResortMailbox(keyPackage, mailboxNonce);
      return { id: own.mailboxId, readCap: toHex(lastResortReadCap(fromHex(stored.lastResortSecret, 32), own.mailboxId)), sendCap: toHex(own.sendCap) };
    }
    delete this.state.keyPackages[mailboxId];
    return { id: mailboxId, readCap: stored.readCap, sendCap: toHex(sendCap) };
  }

  /** A member device's KeyPackage for a commit, or undefined when it has none (or is unknown). */
  async claimDevice(deviceId: DeviceId): Promise<ClaimedDevice | undefined> {
    let claimed;
    try {
      claimed = await this.api.claimKeyPackage(deviceId);
    } catch (e) {
      if (e instanceof HardlineError && (e.code === 'NOT_FOUND' || e.code === 'NO_KEYPACKAGE')) {
        if (!this.linkedJustNow(deviceId, Date.now())) this.claimMisses.set(deviceId, Date.now());
        return undefined;
      }
      throw e;
    }
    const bytes = claimed.keyPackage;
    const kp = decodeKeyPackage(bytes);
    const handle = this.handleOf(deviceId);
    // A package whose leaf no member would accept (no certificate, or one its person's pinned key
    // did not sign: junk a relay or a modified client parked) is skipped like a missing one, so
    // it cannot fail the commit and jam the conversation for everyone else.
    if (!handle || !(await this.accepts(kp))) {
      this.claimMisses.set(deviceId, Date.now());
      return undefined;
    }
    this.claimMisses.delete(deviceId);
    const welcome = keyPackageMailbox(bytes);
    const own = claimed.mailboxNonce ? lastResortMailbox(bytes, claimed.mailboxNonce) : welcome;
    return {
      kp,
      bytes,
      device: { deviceId, handle, mailboxId: own.mailboxId, sendCap: toHex(own.sendCap) },
      welcomeTo: { mailboxId: welcome.mailboxId, sendCap: toHex(welcome.sendCap) },
    };
  }

  /** This device just certified `deviceId` in a link handshake (see `linkedAt`). */
  linked(deviceId: DeviceId, now = Date.now()): void {
    this.linkedAt.set(deviceId, now);
    this.claimMisses.delete(deviceId);
  }

  private linkedJustNow(deviceId: DeviceId, now: number): boolean {
    const at = this.linkedAt.get(deviceId);
    if (at !== undefined && now - at > LINKED_GRACE_MS) this.linkedAt.delete(deviceId);
    return at !== undefined && now - at <= LINKED_GRACE_MS;
  }

  /** True while a device's last claim found nothing, for `retryMs` after it. */
  missedRecently(deviceId: DeviceId, now: number, retryMs: number): boolean {
    return now - (this.claimMisses.get(deviceId) ?? -Infinity) < retryMs;
  }

  /**
   * The mailbox a conversation joined through the Welcome at `welcomeMailbox` uses on this
   * device. A normal KeyPackage is used up (forgotten); a last-resort one stays for later
   * Welcomes, is marked for replacement, and the conversation uses the claim's own mailbox,
   * which the roster names.
   */
  joined(welcomeMailbox: MailboxId, kp: StoredKeyPackage, roster: Roster): { id: MailboxId; readCap: string } {
    if (kp.lastResortSecret === undefined) {
      delete this.state.keyPackages[welcomeMailbox];
      return { id: welcomeMailbox, readCap: kp.readCap };
    }
    kp.used = true;
    const mine = roster.devices.find((d) => d.deviceId === this.state.deviceId);
    if (!mine || mine.mailboxId === welcomeMailbox) return { id: welcomeMailbox, readCap: kp.readCap };
    return { id: mine.mailboxId, readCap: toHex(lastResortReadCap(fromHex(kp.lastResortSecret, 32), mine.mailboxId)) };
  }
}
