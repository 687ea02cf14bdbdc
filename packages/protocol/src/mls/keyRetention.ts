/**
 * @module mls/keyRetention
 * How long a device keeps keys it no longer needs for sending, which is exactly what a stolen
 * device gives away about past traffic. ts-mls keeps the receiver secrets (secret tree, sender
 * data secret, tree) of the last 4 epochs by default; every one of them opens any message of
 * that epoch not yet received.
 *
 * Hardline keeps 2. A message is encrypted in the epoch its sender was in; it reaches a member
 * already further on only when commits overtook it: the sender had not yet seen a commit (1),
 * or a message queued on an offline device while the group went through a second change, such
 * as a device link followed by a revoke (2). Commits themselves are serialised by the relay's
 * epoch lock, so more in flight is rare, and such a message is dropped as stale, as one older
 * than ts-mls' 4 was before. Skipped generations within an epoch keep ts-mls' bound of 10.
 */
import type { KeyRetentionConfig } from 'ts-mls';
import { defaultKeyRetentionConfig } from 'ts-mls/keyRetentionConfig.js';

export const RETAINED_PAST_EPOCHS = 2;

export const keyRetention: KeyRetentionConfig = { ...defaultKeyRetentionConfig, retainKeysForEpochs: RETAINED_PAST_EPOCHS };
