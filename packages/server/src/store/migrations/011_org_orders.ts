/**
 * @module 011_org_orders
 * The security team's signed orders (org key, invites, revocations, re-enrolments, policy), in
 * chain order; the policy version each device applied and the day it was last seen (day
 * precision only); per-day counts of org events for the morning briefing; and which link
 * approvals were used (each lets one link code be made). Nothing here
 * names a conversation or who talks to whom.
 */
import type Database from 'better-sqlite3';

export function migration011OrgOrders(db: Database.Database): void {
  db.exec(`
    CREATE TABLE org_orders (
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      order_json TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE TABLE org_devices (
      device_id TEXT PRIMARY KEY,
      enrolled_day INTEGER,
      -- The day the device last reported in: a day number, like blobs.last_day, never a time.
      last_day INTEGER,
      policy_version INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE org_event_counts (
      day INTEGER NOT NULL,
      kind TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (day, kind)
    ) WITHOUT ROWID;
    CREATE TABLE org_used_approvals (
      seq INTEGER PRIMARY KEY
    );
  `);
}
