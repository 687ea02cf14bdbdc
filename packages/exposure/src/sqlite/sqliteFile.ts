/**
 * @module sqlite/sqliteFile
 * Reads the rows of one table from the bytes of a SQLite database file, so that a browser can
 * open an iPhone's CallHistory.storedata without a SQLite engine: the file format's header,
 * its table b-trees (interior and leaf pages), overflow chains and record format, per
 * https://www.sqlite.org/fileformat2.html. Read-only and bounded: every page number, offset and
 * length is checked against the file, every page is visited at most once, and any violation is
 * a PARSE error, never a hang or an out-of-range read. A WAL beside the file is not read (the
 * CLI's SQLite does not see one either unless it sits next to the database).
 */
import { ExposureError } from '../exposureError.ts';
import { decodeRecord, readVarint, type SqlValue } from './sqliteRecord.ts';

const MAGIC = 'SQLite format 3\0';
const LEAF_TABLE = 13;
const INTERIOR_TABLE = 5;

export type SqliteTable = { readonly columns: readonly string[]; rows(): Iterable<readonly SqlValue[]> };

export class SqliteFile {
  readonly #b: Uint8Array;
  readonly #label: string;
  readonly #pageSize: number;
  readonly #usable: number;
  readonly #pages: number;
  readonly #text: TextDecoder;

  constructor(bytes: Uint8Array, label: string) {
    this.#b = bytes;
    this.#label = label;
    if (bytes.length < 512 || String.fromCharCode(...bytes.subarray(0, 16)) !== MAGIC) throw this.damaged('not a SQLite database');
    const raw = (bytes[16]! << 8) | bytes[17]!;
    this.#pageSize = raw === 1 ? 65536 : raw;
    if (this.#pageSize < 512 || (this.#pageSize & (this.#pageSize - 1)) !== 0) throw this.damaged('bad page size');
    this.#usable = this.#pageSize - bytes[20]!;
    if (this.#usable < 480) throw this.damaged('bad reserved space');
    this.#pages = Math.floor(bytes.length / this.#pageSize);
    const encoding = ((bytes[56]! << 24) | (bytes[57]! << 16) | (bytes[58]! << 8) | bytes[59]!) >>> 0;
    this.#text = new TextDecoder(encoding === 2 ? 'utf-16le' : encoding === 3 ? 'utf-16be' : 'utf-8');
  }

  /** The table's columns (from its CREATE TABLE) and its rows in rowid order; undefined if there is no such table. */
  table(name: string): SqliteTable | undefined {
    const wanted = name.toLowerCase();
    for (const row of this.#rowsFrom(1)) {
      const [type, tblName, , rootpage, sql] = row;
      if (type !== 'table' || typeof tblName !== 'string' || tblName.toLowerCase() !== wanted) continue;
      if (typeof rootpage !== 'number' || typeof sql !== 'string') throw this.damaged(`bad schema entry for ${name}`);
      const columns = columnsOf(sql);
      // An INTEGER PRIMARY KEY column is the rowid: the record stores NULL in its place.
      const rowidColumn = columns.findIndex((c) => c.rowid);
      const root = rootpage;
      return {
        columns: columns.map((c) => c.name),
        rows: () => this.#rowsFrom(root, rowidColumn),
      };
    }
    return undefined;
  }

  *#rowsFrom(root: number, rowidColumn = -1): Generator<SqlValue[]> {
    const seen = new Set<number>();
    const stack = [root];
    const ordered: number[] = [];
    // Depth-first, left to right: rows come out in rowid order.
    while (stack.length > 0) {
      const page = stack.pop()!;
      if (seen.has(page)) throw this.damaged('a page is reached twice');
      seen.add(page);
      const base = this.#pageStart(page);
      const hdr = page === 1 ? 100 : 0;
      const type = this.#b[base + hdr];
      const cells = this.#u16(base + hdr + 3);
      const headerSize = type === INTERIOR_TABLE ? 12 : 8;
      if (type !== LEAF_TABLE && type !== INTERIOR_TABLE) throw this.damaged(`page ${page} is not a table b-tree page`);
      const pointers = (i: number) => {
        const off = this.#u16(base + hdr + headerSize + 2 * i);
        if (off < hdr + headerSize || off >= this.#usable) throw this.damaged(`page ${page}: cell offset out of range`);
        return base + off;
      };
      if (type === INTERIOR_TABLE) {
        const children: number[] = [];
        for (let i = 0; i < cells; i++) children.push(this.#u32(pointers(i)));
        children.push(this.#u32(base + hdr + 8));
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
        continue;
      }
      ordered.length = 0;
      for (let i = 0; i < cells; i++) ordered.push(pointers(i));
      for (const at of ordered) yield this.#leafRow(at, page, rowidColumn);
    }
  }

  #leafRow(at: number, page: number, rowidColumn: number): SqlValue[] {
    const [size, a] = readVarint(this.#b, at, this.#label);
    const [rowid, b] = readVarint(this.#b, a, this.#label);
    if (size > BigInt(this.#b.length)) throw this.damaged(`page ${page}: a row larger than the file`);
    const payload = this.#payload(b, Number(size));
    const values = decodeRecord(payload, this.#text, this.#label);
    if (rowidColumn >= 0 && values[rowidColumn] === null) values[rowidColumn] = Number(rowid);
    return values;
  }

  /** A cell's payload: its local part, then its overflow chain. */
  #payload(at: number, size: number): Uint8Array {
    const u = this.#usable;
    const maxLocal = u - 35;
    const minLocal = Math.floor(((u - 12) * 32) / 255) - 23;
    let local = size;
    if (size > maxLocal) {
      const k = minLocal + ((size - minLocal) % (u - 4));
      local = k <= maxLocal ? k : minLocal;
    }
    if (at + local > this.#b.length) throw this.damaged('a row runs past the end of the file');
    if (local === size) return this.#b.subarray(at, at + size);
    const out = new Uint8Array(size);
    out.set(this.#b.subarray(at, at + local));
    let filled = local;
    let next = this.#u32(at + local);
    const seen = new Set<number>();
    while (filled < size) {
      if (next === 0 || seen.has(next)) throw this.damaged('a broken overflow chain');
      seen.add(next);
      const base = this.#pageStart(next);
      const n = Math.min(u - 4, size - filled);
      out.set(this.#b.subarray(base + 4, base + 4 + n), filled);
      filled += n;
      next = this.#u32(base);
    }
    return out;
  }

  #pageStart(page: number): number {
    if (!Number.isInteger(page) || page < 1 || page > this.#pages) throw this.damaged(`page ${page} is outside the file`);
    return (page - 1) * this.#pageSize;
  }

  #u16(at: number): number {
    if (at + 2 > this.#b.length) throw this.damaged('read past the end of the file');
    return (this.#b[at]! << 8) | this.#b[at + 1]!;
  }

  #u32(at: number): number {
    if (at + 4 > this.#b.length) throw this.damaged('read past the end of the file');
    return ((this.#b[at]! << 24) | (this.#b[at + 1]! << 16) | (this.#b[at + 2]! << 8) | this.#b[at + 3]!) >>> 0;
  }

  damaged(what: string): ExposureError {
    return new ExposureError('PARSE', `${this.#label}: damaged SQLite database (${what})`);
  }
}

type Column = { readonly name: string; readonly rowid: boolean };

/** Column names from a CREATE TABLE statement, in order; table constraints are skipped. */
export function columnsOf(sql: string): Column[] {
  const open = sql.indexOf('(');
  const close = sql.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    const c = sql[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { parts.push(sql.slice(start, i)); start = i + 1; }
  }
  parts.push(sql.slice(start, close));
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '' && !/^(CONSTRAINT|PRIMARY\s+KEY|UNIQUE|CHECK|FOREIGN\s+KEY)\b/i.test(p))
    .map((p) => {
      const m = /^(?:"([^"]+)"|`([^`]+)`|\[([^\]]+)\]|(\S+))\s*(.*)$/s.exec(p)!;
      const name = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
      return { name, rowid: /^INTEGER\s+PRIMARY\s+KEY\b/i.test((m[5] ?? '').trim()) };
    });
}
