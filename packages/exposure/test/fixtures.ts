/**
 * @module fixtures
 * Builds call logs in every supported format inside a temporary directory, from one list of
 * synthetic calls, so each format's test checks the same facts.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type FixtureCall = {
  readonly timeMs: number;
  readonly number: string;
  readonly direction: 'in' | 'out' | 'missed';
  readonly durationSec: number;
  readonly name?: string;
  readonly kind?: 'call' | 'sms';
};

export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'exposure-test-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** Monday 2024-01-01 00:00 UTC. */
export const T0 = Date.UTC(2024, 0, 1);

export function writeCsv(path: string, calls: readonly FixtureCall[], delimiter = ','): void {
  const lines = [['Date', 'Type', 'Number', 'Name', 'Duration'].join(delimiter)];
  for (const c of calls) {
    const type = `${c.direction === 'in' ? 'Incoming' : c.direction === 'out' ? 'Outgoing' : 'Missed'} ${c.kind === 'sms' ? 'SMS' : 'call'}`;
    lines.push([new Date(c.timeMs).toISOString().slice(0, 19).replace('T', ' '), type, c.number, c.name ?? '', String(c.durationSec)].join(delimiter));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function writeAndroidXml(path: string, calls: readonly FixtureCall[]): void {
  const type = { in: 1, out: 2, missed: 3 } as const;
  const rows = calls.map((c) =>
    `  <call number="${xmlEscape(c.number)}" duration="${c.durationSec}" date="${c.timeMs}" type="${type[c.direction]}" presentation="1" readable_date="x" contact_name="${xmlEscape(c.name ?? '(Unknown)')}" />`);
  writeFileSync(path, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore-->\n<calls count="${calls.length}">\n${rows.join('\n')}\n</calls>\n`);
}

/** The ZCALLRECORD table as iOS (CallHistory.storedata, Core Data) documents it. */
export function writeIphoneDb(path: string, calls: readonly FixtureCall[]): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER,
    ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA INTEGER,
    ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT,
    ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR,
    ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR)`);
  db.exec(`CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER)`);
  const insert = db.prepare(`INSERT INTO ZCALLRECORD (Z_ENT, Z_OPT, ZANSWERED, ZCALLTYPE, ZORIGINATED, ZDATE, ZDURATION, ZADDRESS,
    ZISO_COUNTRY_CODE, ZNAME, ZSERVICE_PROVIDER, ZUNIQUE_ID) VALUES (2, 1, ?, 1, ?, ?, ?, ?, 'nl', ?, 'com.apple.Telephony', ?)`);
  db.transaction(() => {
    calls.forEach((c, i) => insert.run(c.direction === 'missed' ? 0 : 1, c.direction === 'out' ? 1 : 0,
      c.timeMs / 1000 - 978_307_200, c.durationSec, c.number, c.name ?? null, `uid-${i}`));
  })();
  db.close();
}

export function writeVcard(path: string, cards: readonly { name: string; tels: readonly string[] }[]): void {
  writeFileSync(path, cards.map((c) => ['BEGIN:VCARD', 'VERSION:3.0', `FN:${c.name}`, `N:${c.name.split(' ').reverse().join(';')};;;`,
    ...c.tels.map((t) => `TEL;TYPE=CELL:${t}`), 'END:VCARD'].join('\r\n')).join('\r\n') + '\r\n');
}

/**
 * The constructed log whose right answer is known:
 * - Anna: every weekday for 12 weeks, both directions, 10 minutes: the regular partner.
 * - Bram: twice a week for 12 weeks, only outgoing, 1 minute.
 * - Cees: a burst of 8 calls in 2 hours in week 11, all incoming, short.
 * - Dirk: one long call in week 1, never again.
 * The expected ranking is Anna, Bram, Cees, Dirk.
 */
export function knownAnswerLog(): FixtureCall[] {
  const calls: FixtureCall[] = [];
  for (let week = 0; week < 12; week++) {
    for (let day = 0; day < 5; day++) {
      const t = T0 + (week * 7 + day) * DAY + 9 * HOUR;
      calls.push({ timeMs: t, number: day % 2 === 0 ? '+31 6 1234 5678' : '0612345678', direction: day % 2 === 0 ? 'in' : 'out', durationSec: 600, name: 'Anna' });
    }
    for (const day of [1, 3]) {
      calls.push({ timeMs: T0 + (week * 7 + day) * DAY + 18 * HOUR, number: '0031622222222', direction: 'out', durationSec: 60 });
    }
  }
  for (let i = 0; i < 8; i++) calls.push({ timeMs: T0 + 75 * DAY + 14 * HOUR + i * 15 * 60_000, number: '0633333333', direction: 'in', durationSec: 20 });
  calls.push({ timeMs: T0 + 2 * DAY + 20 * HOUR, number: '0644444444', direction: 'out', durationSec: 3600 });
  return calls.sort((a, b) => a.timeMs - b.timeMs);
}
