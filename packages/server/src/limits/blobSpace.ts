/**
 * @module blobSpace
 * How much blob data the relay holds at most: a share per enrolled (not revoked) device,
 * `blobsPerDevice` blobs and `blobBytesPerDevice` bytes, all blobs together. New blobs, and
 * blobs growing to a larger bucket, are refused past it (507 BLOBS_FULL); updates that keep
 * their size always go through, so a contact book in use keeps syncing.
 *
 * Why a shared space and not one per creator: creating a blob is anonymous on purpose (the
 * relay must not tie a contact book to an account, docs/protocol.md §9.6); it is paid for with
 * a blob token (`blobTokensPerDevicePerDay`), and a token carries nothing from the batch it came
 * in. So the relay cannot tell creators apart. Tokens bound how fast one device adds blobs;
 * this space bounds what all of them together keep, since a blob's holder can keep it alive
 * for ever by reading it. Each token pays for one blob of at most `maxBlobBytes`; a blob nobody
 * uses for `blobIdleDays` is deleted. To key the space per token batch later: issue blob tokens
 * under a key per batch period and give each issuer key a space of its own (`blobSpaceOf` would
 * take the key the token was made under); what that reveals is the period a device fetched in.
 */
import type { RelayContext } from '../relayContext.ts';
import type { BlobSpace } from '../store/relayStore.ts';

export async function blobSpaceOf(ctx: RelayContext): Promise<BlobSpace> {
  const devices = await ctx.store.countLiveDevices();
  return { maxBlobs: devices * ctx.limits.blobsPerDevice, maxBytes: devices * ctx.limits.blobBytesPerDevice };
}

/**
 * The same test the store makes inside its transaction, made before a token is spent, so that a
 * creation the space would refuse costs the caller nothing. Racing creations are settled by the
 * store's own check.
 */
export async function roomForNewBlob(ctx: RelayContext, space: BlobSpace, size: number): Promise<boolean> {
  const used = await ctx.store.blobUsage();
  return used.blobs + 1 <= space.maxBlobs && used.bytes + size <= space.maxBytes;
}
