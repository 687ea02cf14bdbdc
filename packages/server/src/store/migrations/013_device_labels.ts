/**
 * @module 013_device_labels
 * The name and platform each device reports for itself (devices/deviceLabel.ts), beside its
 * enrolment and last-seen days: what the security team's device list shows. NULL until the
 * device reports them (devices enrolled before this, or clients that never do).
 */
import type Database from 'better-sqlite3';

export function migration013DeviceLabels(db: Database.Database): void {
  db.exec(`
    ALTER TABLE org_devices ADD COLUMN label_name TEXT;
    ALTER TABLE org_devices ADD COLUMN label_platform TEXT;
  `);
}
