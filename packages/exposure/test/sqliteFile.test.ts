/**
 * The pure SQLite reader (sqlite/sqliteFile.ts) that lets a browser open an iPhone's
 * CallHistory.storedata: against better-sqlite3 on the same file, with enough rows for
 * interior pages and names long enough for overflow chains; and from the attacker's side,
 * cut, looping and randomly damaged files end in a PARSE error, never a hang or another error.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../src/callRecord.ts';
import { ExposureError } from '../src/exposureError.ts';
import { readIphoneCallHistory } from '../src/formats/iphoneCallHistory.ts';
import { readIphoneCallHistoryBytes } from '../src/formats/iphoneCallHistoryBytes.ts';
import { SqliteFile } from '../src/sqlite/sqliteFile.ts';
import { DAY, T0, tempDir, writeIphoneDb, type FixtureCall } from './fixtures.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const opts = { country: 'NL', utcOffsetMinutes: 0 };

function manyCalls(n: number): FixtureCall[] {
  return Array.from({ length: n }, (_, i) => ({
    timeMs: T0 + i * 0.01 * DAY, number: `06${String(10_000_000 + (i % 700)).padStart(8, '0')}`, durationSec: i % 900,
    direction: (['in', 'out', 'missed'] as const)[i % 3]!, ...(i % 97 === 0 ? { name: `Long name ${'x'.repeat(6000 + i)} ${i}` } : i % 5 === 0 ? { name: `Näme ${i} 📞` } : {}),
  }));
}

const collect = (read: (sink: (r: CallRecord) => void) => unknown) => {
  const out: CallRecord[] = [];
  read((r) => out.push(r));
  return out;
};

describe('the pure SQLite reader', () => {
  it('reads every row as better-sqlite3 does: interior pages, overflow chains, UTF-8, a rowid alias', () => {
    const path = tmp.path('big.storedata');
    writeIphoneDb(path, manyCalls(6000));
    const bytes = new Uint8Array(readFileSync(path));
    const ours = collect((sink) => readIphoneCallHistoryBytes(bytes, 'big', opts, sink));
    const theirs = collect((sink) => readIphoneCallHistory(path, opts, sink));
    expect(ours).toHaveLength(6000);
    expect(ours).toEqual(theirs);
    const table = new SqliteFile(bytes, 'big').table('zcallrecord')!;
    const db = new Database(path, { readonly: true });
    const pks = db.prepare('SELECT Z_PK FROM ZCALLRECORD ORDER BY Z_PK').pluck().all();
    db.close();
    expect([...table.rows()].map((r) => r[table.columns.indexOf('Z_PK')])).toEqual(pks);
  });

  it('says when the database has no call table', () => {
    const path = tmp.path('other.db');
    const db = new Database(path);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'x\')');
    db.close();
    expect(() => readIphoneCallHistoryBytes(new Uint8Array(readFileSync(path)), 'other.db', opts, () => {})).toThrow(expect.objectContaining({ code: 'UNRECOGNISED_FORMAT' }));
  });

  it('ends a cut, looping or damaged file in a PARSE error, never a hang or another error', () => {
    const path = tmp.path('victim.storedata');
    writeIphoneDb(path, manyCalls(3000));
    const good = new Uint8Array(readFileSync(path));
    const read = (b: Uint8Array) => readIphoneCallHistoryBytes(b, 'victim', opts, () => {});
    const expectParseOrFine = (b: Uint8Array) => {
      try {
        read(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ExposureError);
        expect(['PARSE', 'UNRECOGNISED_FORMAT']).toContain((e as ExposureError).code);
      }
    };
    // Cut anywhere.
    for (const n of [100, 600, 4096, 5000, good.length >> 1, good.length - 1]) expectParseOrFine(good.slice(0, n));
    expect(() => read(good.slice(0, good.length >> 1))).toThrow(ExposureError);
    // A page that points back at itself: the walk stops with an error.
    const pageSize = (good[16]! << 8) | good[17]!;
    const loop = good.slice();
    for (let p = 1; p < loop.length / pageSize; p++) {
      const base = p * pageSize;
      if (loop[base] === 5) { loop.set([0, 0, 0, p + 1].map((x) => x & 0xff), base + 8); break; }
    }
    expect(() => read(loop)).toThrow(expect.objectContaining({ code: 'PARSE' }));
    // Random damage: 120 files, each with 40 random bytes overwritten past the header.
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    for (let k = 0; k < 120; k++) {
      const b = good.slice();
      for (let i = 0; i < 40; i++) b[100 + Math.floor(rnd() * (b.length - 100))] = Math.floor(rnd() * 256);
      expectParseOrFine(b);
    }
  });
});
