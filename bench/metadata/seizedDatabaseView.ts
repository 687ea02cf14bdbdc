/**
 * @module seizedDatabaseView
 * What a seizure of the relay's files yields: the SQLite database and its write-ahead log,
 * copied at a random moment of the run. Two analyses:
 * - logical: every table, and every way to tie a mailbox (where envelopes sit) to a device
 *   (where names sit). The only bridge the schema has is an unclaimed KeyPackage, from which a
 *   future mailbox id is derivable; we derive them all and look for them among real mailboxes.
 * - forensic: the raw bytes of the files, free pages and WAL frames included, searched for the
 *   credential of every device ("handle/deviceId", carried in clear inside each KeyPackage).
 *   More copies than live KeyPackage rows would mean claimed KeyPackages linger on disk.
 * Envelopes become sightings only where their mailbox could be tied to a person.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keyPackageMailbox, toHex } from '@hardline/protocol';
import { SQLITE_FILE_NAME } from '@hardline/server';
import type { AdversaryView, Sighting } from './adversaryView.ts';
import { PRINCIPAL, type Population } from './population.ts';
import type { SeizedFiles } from './relayDriver.ts';

export type SeizureFindings = {
  readonly atSeconds: number;
  readonly users: number;
  readonly devices: number;
  readonly mailboxes: number;
  readonly envelopes: number;
  readonly unclaimedKeyPackages: number;
  /** Mailboxes (with or without envelopes) an unclaimed KeyPackage ties to a device. */
  readonly linkedMailboxes: number;
  /** Device credentials found in the raw bytes beyond those in live KeyPackage rows. */
  readonly strayCredentials: number;
  /** Mailboxes tied to their reader by carving claimed KeyPackages out of free pages and WAL frames. */
  readonly carvedLinks: number;
  /** Columns, across all tables, holding a time, an address or a sender. */
  readonly suspiciousColumns: readonly string[];
};

export function seizedDatabaseView(files: SeizedFiles, pop: Population): { view: AdversaryView; findings: SeizureFindings } {
  // Raw bytes first: opening the copy with SQLite could checkpoint the WAL into the main file.
  const raw = Buffer.concat(['', '-wal'].map((s) => join(files.dir, SQLITE_FILE_NAME + s)).filter(existsSync).map((p) => readFileSync(p)));
  const db = new Database(join(files.dir, SQLITE_FILE_NAME), { readonly: true });
  try {
    const handles = db.prepare<[], { id: string; handle: string }>('SELECT d.id, u.handle FROM devices d JOIN users u ON u.id = d.user_id').all();
    // Unclaimed KeyPackages now live sealed in a file of their own (keypackages.db) under a key
    // the relay holds only in memory: a seizure reads none of them. An older layout kept them here.
    const hasKps = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'keypackages'").get() !== undefined;
    const kps = hasKps ? db.prepare<[], { device_id: string; kp: Buffer }>('SELECT device_id, kp FROM keypackages').all() : [];
    const mailboxes = new Set(db.prepare<[], { id: Buffer }>('SELECT id FROM mailboxes').all().map((r) => toHex(r.id)));
    const envelopes = db.prepare<[], { seq: number; mailbox_id: Buffer }>('SELECT seq, mailbox_id FROM envelopes ORDER BY seq').all();
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .flatMap((t) => db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${t.name}')`).all().map((c) => `${t.name}.${c.name}`));
    const suspiciousColumns = columns.filter((c) => /(time|_at$|ip|addr|sender|from|conn)/i.test(c.split('.')[1]!) && !/expires_at/.test(c));

    const handleOf = new Map(handles.map((h) => [h.id, h.handle] as const));
    const ownerOf = new Map<string, string>();
    for (const k of kps) {
      const { mailboxId } = keyPackageMailbox(new Uint8Array(k.kp));
      if (mailboxes.has(mailboxId)) ownerOf.set(mailboxId, handleOf.get(k.device_id)!);
    }
    let strayCredentials = 0;
    const liveCopies = new Map<string, number>();
    for (const k of kps) liveCopies.set(k.device_id, (liveCopies.get(k.device_id) ?? 0) + 1);
    const lengths = kps.map((k) => k.kp.length);
    const minLen = Math.min(...lengths) - 64;
    const maxLen = Math.max(...lengths) + 64;
    let recoveredLinks = 0;
    for (const h of handles) {
      const credential = Buffer.from(`${h.handle}/${h.id}`);
      const found = occurrences(raw, credential);
      strayCredentials += Math.max(0, found.length - (liveCopies.get(h.id) ?? 0));
      // Carve: a KeyPackage starts with the MLSMessage header shortly before its credential.
      // Any byte range that hashes to a real mailbox id is a claimed KeyPackage left on disk.
      for (const at of found) {
        for (let start = at; start >= Math.max(0, at - 400); start--) {
          if (raw.readUInt32BE(start) !== MLS_KEY_PACKAGE_HEADER) continue;
          for (let len = minLen; len <= maxLen && start + len <= raw.length; len++) {
            const { mailboxId } = keyPackageMailbox(raw.subarray(start, start + len));
            if (mailboxes.has(mailboxId) && !ownerOf.has(mailboxId)) {
              ownerOf.set(mailboxId, h.handle);
              recoveredLinks++;
            }
          }
        }
      }
    }
    // Without a reader or a sender, an envelope names no one; only linked mailboxes would.
    const sightings: Sighting[] = [];
    for (const e of envelopes) {
      const owner = ownerOf.get(toHex(e.mailbox_id));
      if (owner) sightings.push({ t: files.atSeconds, dst: owner });
    }
    const findings: SeizureFindings = {
      atSeconds: files.atSeconds,
      users: handles.length,
      devices: handles.length,
      mailboxes: mailboxes.size,
      envelopes: envelopes.length,
      unclaimedKeyPackages: kps.length,
      linkedMailboxes: ownerOf.size,
      strayCredentials,
      carvedLinks: recoveredLinks,
      suspiciousColumns,
    };
    return {
      view: {
        system: 'Hardline',
        adversary: 'seized database',
        sightings,
        target: pop.handles[PRINCIPAL]!,
        candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
        note: `snapshot of relay.db + WAL at a random moment; ${ownerOf.size} of ${mailboxes.size} mailboxes tie to a device`,
      },
      findings,
    };
  } finally {
    db.close();
  }
}

/** MLSMessage: version mls10 (0x0001), wire format mls_key_package (0x0005). */
const MLS_KEY_PACKAGE_HEADER = 0x00010005;

function occurrences(haystack: Buffer, needle: Buffer): number[] {
  const at: number[] = [];
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) at.push(i);
  return at;
}
