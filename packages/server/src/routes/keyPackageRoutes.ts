/**
 * @module keyPackageRoutes
 * KeyPackages: uploaded by their device (with the hash of a fresh read capability each),
 * claimed anonymously by a sender. The claim turns the KeyPackage into a mailbox: the store
 * deletes the KeyPackage before the mailbox exists, and keeps unclaimed ones sealed under a key
 * held only in memory, so no copy of the disk links a device to a mailbox (protocol.md §8).
 * Uploads are validated first (keypackages/validateKeyPackage.ts). A device's last-resort
 * KeyPackage is handed out when it has no other and stays; each such claim gets a mailbox of
 * its own from a fresh nonce (protocol lastResortKeyPackage.ts), returned to the claimer.
 */
import { randomBytes } from 'node:crypto';
import { keyPackageMailbox, lastResortMailbox, lastResortReadCap, LAST_RESORT_NONCE_SIZE } from '@hardline/protocol';
import { DecodeError, TooLargeError, type DeviceId } from '@hardline/protocol';
import { parseBytes32, sha256 } from '../capabilityBytes.ts';
import { parseDeviceId } from '../devices/deviceId.ts';
import { RelayError } from '../errors/relayError.ts';
import { requireDevice } from '../http/bearerAuth.ts';
import { ok, type Route } from '../http/route.ts';
import { validateKeyPackages } from '../keypackages/validateKeyPackage.ts';
import { observe, type RelayContext } from '../relayContext.ts';
import type { LastResortMailboxFor, NewKeyPackage } from '../store/relayStore.ts';

export const MAX_KEYPACKAGES_PER_UPLOAD = 100;
export const MAX_KEYPACKAGE_BYTES = 16 * 1024;
/** Base64url of MAX_KEYPACKAGE_BYTES. */
const MAX_KEYPACKAGE_CHARS = Math.ceil((MAX_KEYPACKAGE_BYTES * 4) / 3);
/** 100 maximal KeyPackages do not fit the usual 64 KiB JSON bound; this endpoint gets its own. */
export const KEYPACKAGE_BODY_LIMIT = MAX_KEYPACKAGES_PER_UPLOAD * (MAX_KEYPACKAGE_CHARS + 128) + 1024;

function parseKeyPackages(value: unknown): NewKeyPackage[] {
  if (!Array.isArray(value) || value.length === 0) throw new DecodeError('keyPackages must be a non-empty array');
  if (value.length > MAX_KEYPACKAGES_PER_UPLOAD) throw new TooLargeError('keyPackages', value.length, MAX_KEYPACKAGES_PER_UPLOAD);
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw new DecodeError('keyPackages item must be an object');
    const { keyPackage, readCapHash, readSecret } = item as Record<string, unknown>;
    if (typeof keyPackage !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(keyPackage)) throw new DecodeError('keyPackage must be base64url');
    if (keyPackage.length > MAX_KEYPACKAGE_CHARS) throw new TooLargeError('keyPackage', Math.floor((keyPackage.length * 3) / 4), MAX_KEYPACKAGE_BYTES);
    return {
      keyPackage: Buffer.from(keyPackage, 'base64url'),
      readCapHash: parseBytes32(readCapHash, 'readCapHash'),
      ...(readSecret === undefined ? {} : { lastResortReadSecret: parseBytes32(readSecret, 'readSecret') }),
    };
  });
}

/** What a device has at the relay: its KeyPackages, and whether its last-resort one is there (a restart drops it). */
async function supply(ctx: RelayContext, deviceId: DeviceId) {
  return { count: await ctx.store.countKeyPackages(deviceId), lastResort: await ctx.store.hasLastResortKeyPackage(deviceId) };
}

export const keyPackageRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/keypackages',
    bodyLimit: KEYPACKAGE_BODY_LIMIT,
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      const keyPackages = parseKeyPackages((await req.json()).keyPackages);
      await validateKeyPackages(ctx.suite, device, keyPackages.map((k) => ({ keyPackage: k.keyPackage, readSecret: k.lastResortReadSecret })));
      await ctx.disk.requireRoom();
      await ctx.store.addKeyPackages(device.deviceId, keyPackages);
      return ok(await supply(ctx, device.deviceId));
    },
  },
  {
    method: 'GET',
    path: '/v1/keypackages/count',
    handle: async (ctx, req) => {
      const device = await requireDevice(ctx, req.headers, req.conn);
      return ok(await supply(ctx, device.deviceId));
    },
  },
  {
    method: 'POST',
    path: '/v1/keypackages/claim',
    handle: async (ctx, req) => {
      const body = await req.json();
      const deviceId = parseDeviceId(body.deviceId);
      // A claim makes a mailbox someone can post into, so it costs a token (tokenIssuer.ts).
      await ctx.tokens.spend('claim', body.token, req.source);
      const device = await ctx.store.getDevice(deviceId);
      if (!device) throw new RelayError('NOT_FOUND', 'no such device');
      if (device.revoked) throw new RelayError('REVOKED', 'device is revoked');
      // Drawn per claim: a last-resort KeyPackage claimed twice gives two unrelated mailboxes.
      const nonce = randomBytes(LAST_RESORT_NONCE_SIZE);
      const claimMailboxFor: LastResortMailboxFor = (kp, readSecret) => {
        const { mailboxId, sendCap } = lastResortMailbox(kp, nonce);
        return { id: mailboxId, sendCapHash: sha256(sendCap), readCapHash: sha256(lastResortReadCap(readSecret, mailboxId)) };
      };
      const claimed = await ctx.store.claimKeyPackage(
        deviceId,
        (kp) => {
          const { mailboxId, sendCap } = keyPackageMailbox(kp);
          return { id: mailboxId, sendCapHash: sha256(sendCap) };
        },
        claimMailboxFor,
      );
      if (!claimed) throw new RelayError('NO_KEYPACKAGE', 'no KeyPackage left for this device');
      ctx.hub.mailboxCreated(claimed.mailbox);
      if (claimed.claimMailbox) ctx.hub.mailboxCreated(claimed.claimMailbox);
      // The Welcome (and a last-resort claim's own mailbox) wakes the device's closed app too.
      ctx.push?.keyPackageTargets.claimed(deviceId, claimed.keyPackage, claimed.claimMailbox ? nonce : undefined);
      if (ctx.observer) observe(ctx, { kind: 'claim', conn: req.conn, device: deviceId, mailboxId: (claimed.claimMailbox ?? claimed.mailbox).id });
      const keyPackage = Buffer.from(claimed.keyPackage).toString('base64url');
      return ok(claimed.claimMailbox ? { keyPackage, mailboxNonce: nonce.toString('base64url') } : { keyPackage });
    },
  },
];
