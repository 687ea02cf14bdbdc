/**
 * @module org/sqliteOrgLedger
 * OrgLedger in relay.db (tables from migration 011). Orders are only ever inserted.
 */
import type Database from 'better-sqlite3';
import { GENESIS_PREV, parseOrder, type DeviceId, type SignedOrder, type UserId } from '@hardline/protocol';
import type { OrgDeviceRecord, OrgEvent, OrgLedger } from './orgLedger.ts';

type OrderRow = { seq: number; order_json: string; hash: string };

export class SqliteOrgLedger implements OrgLedger {
  readonly #db: Database.Database;
  constructor(db: Database.Database) {
    this.#db = db;
  }

  async head() {
    const r = this.#db.prepare<[], OrderRow>('SELECT seq, hash FROM org_orders ORDER BY seq DESC LIMIT 1').get();
    return r ? { seq: r.seq, hash: r.hash } : { seq: 0, hash: GENESIS_PREV };
  }

  async append(order: SignedOrder, hash: string): Promise<boolean> {
    // The check and the insert in one transaction: two consoles racing for one seq, one wins.
    return this.#db.transaction(() => {
      const top = this.#db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM org_orders').get()!.seq;
      if (order.seq !== top + 1) return false;
      this.#db.prepare('INSERT INTO org_orders (seq, kind, order_json, hash) VALUES (?, ?, ?, ?)').run(order.seq, order.kind, JSON.stringify(order), hash);
      return true;
    })();
  }

  async orders(afterSeq: number, limit: number) {
    return this.#db.prepare<[number, number], OrderRow>('SELECT order_json FROM org_orders WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit).map((r) => parseOrder(JSON.parse(r.order_json)));
  }

  async latest(kind: SignedOrder['kind']) {
    const r = this.#db.prepare<[string], OrderRow>('SELECT order_json FROM org_orders WHERE kind = ? ORDER BY seq DESC LIMIT 1').get(kind);
    return r ? parseOrder(JSON.parse(r.order_json)) : undefined;
  }

  async useLinkApproval(handle: string, now: number): Promise<boolean> {
    return this.#db.transaction(() => {
      const rows = this.#db.prepare<[], OrderRow>("SELECT seq, order_json FROM org_orders WHERE kind = 'link-approval' AND seq NOT IN (SELECT seq FROM org_used_approvals) ORDER BY seq DESC").all();
      const usable = rows.find((r) => {
        const body = (JSON.parse(r.order_json) as SignedOrder<'link-approval'>).body;
        return body.handle === handle && Date.parse(body.expiresAt) > now;
      });
      if (!usable) return false;
      this.#db.prepare('INSERT INTO org_used_approvals (seq) VALUES (?)').run(usable.seq);
      return true;
    })();
  }

  async revocationOf(deviceId: DeviceId) {
    const rows = this.#db.prepare<[], OrderRow>("SELECT order_json FROM org_orders WHERE kind = 'revocation' ORDER BY seq DESC").all();
    return rows.map((r) => parseOrder(JSON.parse(r.order_json))).find((o) => (o.body as { deviceId?: string }).deviceId === deviceId);
  }

  async pendingLinkCodes(userId: UserId, now: number): Promise<number> {
    return this.#db.prepare<[string, number], { n: number }>("SELECT count(*) AS n FROM codes WHERE kind = 'link' AND user_id = ? AND expires_at >= ?").get(userId, now)!.n;
  }

  async deviceSeen(deviceId: DeviceId, day: number, policyVersion?: number) {
    this.#db
      .prepare('INSERT INTO org_devices (device_id, last_day, policy_version) VALUES (?, ?, ?) ON CONFLICT(device_id) DO UPDATE SET last_day = excluded.last_day, policy_version = CASE WHEN ? IS NULL THEN policy_version ELSE excluded.policy_version END')
      .run(deviceId, day, policyVersion ?? 0, policyVersion ?? null);
  }

  async deviceEnrolled(deviceId: DeviceId, day: number) {
    this.#db.prepare('INSERT INTO org_devices (device_id, enrolled_day, last_day) VALUES (?, ?, ?) ON CONFLICT(device_id) DO UPDATE SET enrolled_day = excluded.enrolled_day').run(deviceId, day, day);
  }

  async devices(): Promise<OrgDeviceRecord[]> {
    return this.#db
      .prepare<[], { device_id: string; enrolled_day: number | null; last_day: number | null; policy_version: number; label_name: string | null; label_platform: string | null }>('SELECT * FROM org_devices')
      .all()
      .map((r) => ({
        deviceId: r.device_id as DeviceId, ...(r.enrolled_day !== null ? { enrolledDay: r.enrolled_day } : {}), ...(r.last_day !== null ? { lastSeenDay: r.last_day } : {}), policyVersion: r.policy_version,
        ...(r.label_name !== null ? { name: r.label_name } : {}), ...(r.label_platform !== null ? { platform: r.label_platform } : {}),
      }));
  }

  async setDeviceLabel(deviceId: DeviceId, label: { name: string; platform: string }) {
    this.#db
      .prepare('INSERT INTO org_devices (device_id, label_name, label_platform) VALUES (?, ?, ?) ON CONFLICT(device_id) DO UPDATE SET label_name = excluded.label_name, label_platform = excluded.label_platform')
      .run(deviceId, label.name, label.platform);
  }

  async count(event: OrgEvent, day: number, by = 1) {
    this.#db.prepare('INSERT INTO org_event_counts (day, kind, count) VALUES (?, ?, ?) ON CONFLICT(day, kind) DO UPDATE SET count = count + excluded.count').run(day, event, by);
  }

  async counts(fromDay: number) {
    const out: Record<string, number> = {};
    for (const r of this.#db.prepare<[number], { kind: string; n: number }>('SELECT kind, sum(count) AS n FROM org_event_counts WHERE day >= ? GROUP BY kind').all(fromDay)) out[r.kind] = r.n;
    return out;
  }
}
