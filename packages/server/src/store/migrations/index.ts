/**
 * @module migrations
 * The ordered list of schema migrations. Append only; `user_version` records how many ran.
 */
import type Database from 'better-sqlite3';
import { migration001Initial } from './001_initial.ts';
import { migration002PublishedContact } from './002_published_contact.ts';
import { migration003Blobs } from './003_blobs.ts';
import { migration004KeyPackagesApart } from './004_keypackages_apart.ts';
import { migration005Identity } from './005_identity.ts';
import { migration007BlobLastUse } from './007_blob_last_use.ts';
import { migration008TransparencyLog } from './008_transparency_log.ts';
import { migration011OrgOrders } from './011_org_orders.ts';
import { migration012EnvelopesPerMailbox } from './012_envelopes_per_mailbox.ts';
import { migration013DeviceLabels } from './013_device_labels.ts';

export const MIGRATIONS: readonly ((db: Database.Database) => void)[] = [
  migration001Initial,
  migration002PublishedContact,
  migration003Blobs,
  migration004KeyPackagesApart,
  migration005Identity,
  migration007BlobLastUse,
  migration008TransparencyLog,
  migration011OrgOrders,
  migration012EnvelopesPerMailbox,
  migration013DeviceLabels,
];
