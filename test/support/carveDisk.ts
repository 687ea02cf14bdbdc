/**
 * @module test/support/carveDisk
 * The seized-disk attacker: reads every file of a copy of the relay's data folder as raw bytes
 * (database, WAL frames current and stale, journals, free pages alike) and counts the links it
 * can draw between people. It is handed more than a real attacker has: every KeyPackage any
 * device uploaded, every device id, and which mailboxes belong to one conversation. Whatever
 * it cannot link with that, parsing alone would not link either.
 *
 * Links counted:
 * - KeyPackages: a claimed KeyPackage (whole, or any 32-byte piece of it) in any file of a
 *   copy that also holds the mailbox it became. Whole, it derives that mailbox's id
 *   (`keyPackageMailbox`); whole or not, it names its device.
 * - Device next to mailbox: a device id (hex text or bytes) on the same database page as a
 *   mailbox id, or written (added or removed) by the same WAL commit as one.
 * - Mailbox pairs: two mailboxes of one conversation written by the same WAL commit or by
 *   two neighbouring commits (commit order is time order). "Written" is found by diffing each
 *   frame's page against its previous image, as an attacker would.
 *
 * A copy taken at any instant can catch a commit half done, and then some rows look written
 * that a b-tree balance only moved (changedIds says which diffs it can still trust). Counted as
 * writes, such moves pair mailboxes that merely sit next to each other in key order (random
 * ids), which tells no one who talks to whom.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyPackageMailbox } from '@hardline/protocol';

export type DiskFile = { readonly name: string; readonly bytes: Buffer };

/** What the attacker is given to look for. Ids are hex, as the relay's API spells them. */
export type CarveTruth = {
  readonly claimedKeyPackages: readonly Uint8Array[];
  readonly deviceIds: readonly string[];
  /** Mailboxes that belong together (one conversation's); any two of one set make a link. */
  readonly conversations: readonly (readonly string[])[];
};

export type CarveReport = {
  readonly files: readonly string[];
  readonly walCommits: number;
  /** KeyPackages found whole beside the mailbox they became (in the same copy). */
  readonly wholeKeyPackages: number;
  /** Mailbox ids derived from those (`keyPackageMailbox`). */
  readonly mailboxesDerived: number;
  /** KeyPackages of which some 32-byte piece was found beside the mailbox they became. */
  readonly keyPackageRemnants: number;
  readonly deviceNextToMailbox: number;
  readonly mailboxPairs: number;
  readonly findings: readonly string[];
};

const KP_PIECE = 32;
const WAL_HEADER = 32;
const WAL_FRAME_HEADER = 24;

/**
 * `cp -a` of the folder from another process, while the relay keeps writing: the copy a
 * backup job or an intruder takes, not one at a quiet moment of the test's own event loop.
 * A file that vanishes mid-copy (a journal deleted at COMMIT) is simply not in the copy.
 */
export async function hotCopy(dir: string): Promise<string> {
  const dest = mkdtempSync(join(tmpdir(), 'hardline-seized-'));
  await new Promise<void>((done, fail) => {
    execFile('cp', ['-a', `${dir}/.`, dest], (error, _stdout, stderr) => {
      const vanished = stderr.split('\n').every((l) => l === '' || l.includes('No such file or directory'));
      if (error && !vanished) fail(error);
      else done();
    });
  });
  return dest;
}

/**
 * A copy at one instant: the relay process is stopped (SIGSTOP, wherever it is: inside a
 * transaction, between a write and its fsync), every file is read, and it goes on. This is
 * what a filesystem snapshot or a VM image taken at a random moment holds.
 */
export async function snapshotAtAnyMoment(pid: number, dir: string): Promise<DiskFile[]> {
  process.kill(pid, 'SIGSTOP');
  try {
    // The signal is asynchronous: wait until the kernel reports the process stopped.
    while (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'T') await new Promise((r) => setTimeout(r, 1));
    return readDiskFiles(dir);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

export function readDiskFiles(dir: string): DiskFile[] {
  return readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isFile())
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

type Frame = { readonly pgno: number; readonly page: Buffer };
/** `whole`: it ends in a commit frame; otherwise the writer was stopped part way through it. */
type Commit = { readonly frames: readonly Frame[]; readonly whole: boolean };

/** A WAL's frames grouped into commits (each the frames up to a commit frame), file order. */
function walCommits(b: Buffer): { pageSize: number; commits: Commit[] } {
  const pageSize = b.readUInt32BE(8);
  const commits: Commit[] = [];
  let current: Frame[] = [];
  // Every frame, stale generations included: an attacker reads them all.
  for (let off = WAL_HEADER; off + WAL_FRAME_HEADER + pageSize <= b.length; off += WAL_FRAME_HEADER + pageSize) {
    current.push({ pgno: b.readUInt32BE(off), page: b.subarray(off + WAL_FRAME_HEADER, off + WAL_FRAME_HEADER + pageSize) });
    if (b.readUInt32BE(off + 4) !== 0) {
      commits.push({ frames: current, whole: true });
      current = [];
    }
  }
  if (current.length > 0) commits.push({ frames: current, whole: false });
  return { pageSize, commits };
}

const idForms = (hex: string): Buffer[] => [Buffer.from(hex, 'hex'), Buffer.from(hex)];

/**
 * What the disk still tells about a commit's previous state. SQLite writes a commit's frames,
 * and a checkpoint copies pages into the main file, in page-number order, so a copy taken at an
 * instant can hold:
 * - a commit cut short (`whole` false): its lower pages are written, its higher ones not yet.
 *   A balance that moved rows from a lower page to a higher one (a split fills a new page at
 *   the file's end) shows them gone from the first and not yet on the second: a removal seen
 *   there may be such a move, so only a whole commit's removals count.
 * - pages the checkpoint has already copied (`lost`): the main file holds the commit's image of
 *   them (or a later one), and the image they had before is nowhere on disk. A row the commit
 *   shows on another page may have moved there from one of them, so such a commit's additions
 *   do not count. (Its removals still do: a copied page, compared with the main file's image
 *   of it, shows none while the WAL holds one commit, as the relay's does.)
 */
type Trust = { readonly removals: boolean; readonly additions: boolean };

/**
 * What a commit wrote, as the attacker sees it: the ids of rows it added or removed. A page
 * image carries every row on the page, so presence alone would say nothing.
 */
function changedIds(commit: readonly Frame[], before: (pgno: number) => Buffer, ids: readonly string[], prior: Buffer, trust: Trust): string[] {
  // Rows, not pages: each occurrence with the bytes that follow it (the rest of its row: seq,
  // envelope id). A row the commit shows that was nowhere on disk before, or a row of its pages
  // that it no longer shows anywhere, is a write. A row that a b-tree balance moves (to another
  // page, or within one) was on disk before and is no write of its mailbox: envelope rows stand
  // by mailbox, not in time order, so inserts land mid-tree and balances move the rows of their
  // neighbours in the tree, which are random mailboxes. A commit cut short (the relay frozen
  // mid-write) may show a moved row on its new page and not yet gone from the old: a copy.
  const pages = new Map(commit.map((f) => [f.pgno, f.page] as const));
  const rowsIn = (image: Buffer, forms: readonly Buffer[]): Buffer[] => {
    const rows: Buffer[] = [];
    for (const f of forms) for (let at = image.indexOf(f); at >= 0; at = image.indexOf(f, at + 1)) rows.push(image.subarray(at, at + f.length + ROW_CONTEXT));
    return rows;
  };
  const after = Buffer.concat([...pages.values()]);
  return ids.filter((id) => {
    const forms = idForms(id);
    if (trust.additions) for (const page of pages.values()) for (const row of rowsIn(page, forms)) if (!prior.includes(row)) return true;
    if (trust.removals) for (const pgno of pages.keys()) for (const row of rowsIn(before(pgno), forms)) if (!after.includes(row)) return true;
    return false;
  });
}

/**
 * Bytes after an id that tell its row from another row of the same mailbox (seq and envelope
 * id, envelope id, or seq and slot) and stay inside the row: 12 for the shortest, (mailbox_id,
 * seq, slot) in envelopes_mailbox_seq; past the row come the next cell's bytes, which a move changes.
 */
const ROW_CONTEXT = 12;

/**
 * The pages a checkpoint under way has already copied into the main file, over the image they
 * had before the WAL's first frame of them. A checkpoint copies each page's newest committed
 * image, lowest page number first, so they are the run of lowest pages whose main-file image
 * is that newest one. (A page a commit rewrote unchanged looks the same; only when it is among
 * the lowest does it make the carver count less than it could.)
 */
function checkpointed(commits: readonly Commit[], mainPage: (pgno: number) => Buffer): Set<number> {
  const newest = new Map<number, Buffer>();
  for (const c of commits) if (c.whole) for (const f of c.frames) newest.set(f.pgno, f.page);
  const copied = new Set<number>();
  for (const pgno of [...newest.keys()].sort((x, y) => x - y)) {
    if (!newest.get(pgno)!.equals(mainPage(pgno))) break;
    copied.add(pgno);
  }
  return copied;
}

export function carveDisk(files: readonly DiskFile[], truth: CarveTruth): CarveReport {
  const findings: string[] = [];
  const all = Buffer.concat(files.map((f) => f.bytes));
  const mailboxIds = [...new Set(truth.conversations.flat())];

  let wholeKeyPackages = 0;
  let mailboxesDerived = 0;
  let keyPackageRemnants = 0;
  for (const kp of truth.claimedKeyPackages) {
    const bytes = Buffer.from(kp);
    // A copy taken mid-burst holds KeyPackages claimed only after it, still unclaimed then.
    // It is a link only when the mailbox the KeyPackage became is in the same copy.
    const derived = keyPackageMailbox(bytes).mailboxId;
    if (!idForms(derived).some((f) => all.includes(f))) continue;
    if (all.includes(bytes)) {
      wholeKeyPackages++;
      mailboxesDerived++;
      findings.push(`a claimed KeyPackage, whole, derives live mailbox ${derived}`);
    }
    const pieces = files.flatMap((f) => {
      const found: number[] = [];
      for (let off = 0; off + KP_PIECE <= bytes.length; off += KP_PIECE) {
        if (f.bytes.includes(bytes.subarray(off, off + KP_PIECE))) found.push(off);
      }
      return found.length === 0 ? [] : [`${f.name}: ${found.length} of ${Math.floor(bytes.length / KP_PIECE)} pieces of the KeyPackage of live mailbox ${derived}`];
    });
    if (pieces.length > 0) {
      keyPackageRemnants++;
      findings.push(...pieces);
    }
  }

  let deviceNextToMailbox = 0;
  let mailboxPairs = 0;
  let walCommitCount = 0;
  const holds = (page: Buffer, id: string): boolean => idForms(id).some((f) => page.includes(f));
  for (const file of files) {
    if (!file.name.endsWith('-wal')) {
      // Database files and journals: a device id on the same page as a mailbox id.
      for (let off = 0; off < file.bytes.length; off += 4096) {
        const page = file.bytes.subarray(off, off + 4096);
        const ms = mailboxIds.filter((m) => holds(page, m)).length;
        const ds = truth.deviceIds.filter((d) => holds(page, d)).length;
        if (ms > 0 && ds > 0) {
          deviceNextToMailbox += ms * ds;
          findings.push(`${file.name} page ${off / 4096}: ${ds} device id(s) beside ${ms} mailbox id(s)`);
        }
      }
      continue;
    }
    if (file.bytes.length < WAL_HEADER) continue;
    const { pageSize, commits } = walCommits(file.bytes);
    walCommitCount += commits.length;
    const main = files.find((f) => f.name === file.name.slice(0, -'-wal'.length))?.bytes ?? Buffer.alloc(0);
    const latest = new Map<number, Buffer>();
    const mainPage = (pgno: number): Buffer => main.subarray((pgno - 1) * pageSize, pgno * pageSize);
    const before = (pgno: number): Buffer => latest.get(pgno) ?? mainPage(pgno);
    const copied = checkpointed(commits, mainPage);
    const written: { mailboxes: string[] }[] = [];
    for (const [i, { frames: commit, whole }] of commits.entries()) {
      const prior = Buffer.concat([main, ...latest.values()]);
      const lost = commit.some((f) => !latest.has(f.pgno) && copied.has(f.pgno));
      const trust: Trust = { removals: whole, additions: !lost };
      const mailboxes = changedIds(commit, before, mailboxIds, prior, trust);
      const devices = changedIds(commit, before, truth.deviceIds, prior, trust);
      if (mailboxes.length > 0 && devices.length > 0) {
        deviceNextToMailbox += mailboxes.length * devices.length;
        findings.push(`${file.name} commit ${i}: ${devices.length} device id(s) changed beside ${mailboxes.length} mailbox id(s)`);
      }
      written.push({ mailboxes });
      for (const f of commit) latest.set(f.pgno, f.page);
    }
    // Same commit, or this commit and the next: commit order is time order.
    for (let i = 0; i < written.length; i++) {
      const near = new Set([...written[i]!.mailboxes, ...(written[i + 1]?.mailboxes ?? [])]);
      for (const conv of truth.conversations) {
        const inConv = conv.filter((m) => near.has(m));
        if (inConv.length >= 2) {
          mailboxPairs++;
          findings.push(`${file.name} commits ${i}-${i + 1}: ${inConv.length} mailboxes of one conversation written`);
        }
      }
    }
  }
  return {
    files: files.map((f) => `${f.name} (${f.bytes.length} B)`),
    walCommits: walCommitCount,
    wholeKeyPackages,
    mailboxesDerived,
    keyPackageRemnants,
    deviceNextToMailbox,
    mailboxPairs,
    findings,
  };
}
