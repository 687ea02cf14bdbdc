/**
 * @module keyTransparency
 * The client's side of the key-transparency log (docs/protocol.md §2). Three duties:
 *
 * 1. Inclusion: an identity key or a device certificate from the directory counts (reaches
 *    trustRules.ts) only once the relay has proved it is in the log, under a tree head signed
 *    by the log key this device pinned on first contact. What is not logged is stripped and
 *    reported as 'not-in-log', so a key the relay shows one person but never logs is refused.
 * 2. Consistency: every tree head this device sees, from the relay or from a peer, must be
 *    joined to the latest one it holds by a consistency proof (or equal it, at one size). The
 *    latest head is kept in device state, so this holds across restarts.
 * 3. Gossip: outgoing text carries the latest head (appMessage `th`) and the log key that signed
 *    it (`lk`); a head from a peer that cannot be reconciled with ours is a split view: the relay
 *    signed two logs that are not one history ('forked-log'), or gave the two devices separate
 *    log keys from the first contact ('different-log-key', logKeyPin.ts). It is recorded with
 *    both heads as evidence, and reported (SPLIT_VIEW).
 */
import {
  certificateEntry,
  CryptoError,
  encodeLogEntry,
  fromBase64Url,
  HardlineError,
  identityKeyEntry,
  leafHash,
  parseCertificate,
  toBase64Url,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  type DeviceId,
  type Handle,
  type SignedTreeHead,
} from '@hardline/protocol';
import { peerHeadLog, pinLogKey } from './logKeyPin.ts';
import { emptyMonitor, monitorOwnEntries, type ForeignEntry, type MonitorState } from './logMonitor.ts';
import type { DirectoryUser } from './relayApi.ts';
import type { TransparencyApi } from './transparencyApi.ts';
import { noteWithheld, sameHead, withheldTooLong, type WithheldProof } from './withheldProof.ts';

/** Two heads the relay signed that no consistency proof joins: evidence that it forked its log. */
export type SplitViewReport = {
  readonly code: 'SPLIT_VIEW';
  /**
   * 'forked-log': two heads under one log key that no consistency proof joins. 'different-log-key':
   * a peer's head signed by another log key than the one this device pinned, so the relay gave
   * the two devices separate logs (from their first contact, since a log key never changes).
   */
  readonly reason: 'forked-log' | 'different-log-key';
  readonly detectedAt: string;
  /** 'gossip': a peer's head, received in a conversation; 'relay': the relay's own heads disagree. */
  readonly via: 'gossip' | 'relay';
  /** The peer whose message carried the other head. */
  readonly from?: Handle;
  readonly ours: SignedTreeHead;
  readonly theirs: SignedTreeHead;
  /** With 'different-log-key': the key each head verifies under, so anyone can check the evidence. */
  readonly ourLogKey?: string;
  readonly theirLogKey?: string;
  /** Set when the relay never answered for the proof (withheldProof.ts): since when, and how many tries. */
  readonly proofWithheld?: { readonly since: string; readonly refusals: number };
};

/** Persisted in device state. Absent fields: an older state, pinned on next use. */
export type TransparencyState = {
  /** The relay's log key (base64url), pinned on first contact. */
  logKey?: string;
  /** The largest tree head seen that is consistent with every other seen. */
  head?: SignedTreeHead;
  splitView?: SplitViewReport;
  /** A consistency proof the relay has not given yet, tried again at each refresh (withheldProof.ts). */
  withheld?: WithheldProof;
  /** How far this device has read the log for entries under its own handle (logMonitor.ts). */
  monitor?: MonitorState;
};

export class SplitViewError extends HardlineError {
  readonly report: SplitViewReport;
  constructor(report: SplitViewReport) {
    super(
      'SPLIT_VIEW',
      report.reason === 'different-log-key'
        ? `the relay gave this device and ${report.from ?? 'another'} different key-transparency log keys: it is keeping separate logs to show people different keys`
        : `the relay signed two key-transparency tree heads (sizes ${report.ours.treeSize} and ${report.theirs.treeSize}) that are not one history: it is showing people different keys`,
    );
    this.report = report;
  }
}

export type NotInLog = { readonly handle: Handle; readonly deviceId?: DeviceId; readonly what: 'identity-key' | 'certificate' };

/** How long a head may be reused before a directory refresh fetches a new one. */
const HEAD_TTL_MS = 30_000;

export class KeyTransparency {
  /** Leaf hashes proved included under a head consistent with ours: they stay included. */
  readonly #included = new Set<string>();
  #fetchedAt = 0;

  constructor(
    private readonly api: TransparencyApi,
    private readonly state: () => TransparencyState,
    /** This person: the monitor looks for log entries under their handle made with another key. */
    private readonly own: () => { handle: Handle; identityKey: string | undefined },
    private readonly now: () => number = Date.now,
  ) {}

  /** Entries under one's own handle that another identity key made: a false key logged openly. */
  foreignEntries(): readonly ForeignEntry[] {
    return this.state().monitor?.foreign ?? [];
  }

  splitView(): SplitViewReport | undefined {
    return this.state().splitView;
  }

  /** The log key to pin at enrolment, checked against the invite's fingerprint if it names one (logKeyPin.ts). */
  static pinLogKey = pinLogKey;

  /** For outgoing text: the latest head, if any, with the log key that signed it. */
  gossip(): { th?: SignedTreeHead; lk?: string } {
    const { head, logKey } = this.state();
    return head && logKey ? { th: head, lk: logKey } : {};
  }

  async #logKey(): Promise<string> {
    const s = this.state();
    if (!s.logKey) {
      const key = await this.api.logKey();
      if (!key) throw new HardlineError('UNAVAILABLE', 'the relay names no key-transparency log key');
      s.logKey = key;
    }
    return s.logKey;
  }

  /**
   * Fetches the relay's latest head and reconciles it with ours. Throws SplitViewError when the
   * relay's heads to this device are not one history, once: after a split view is on record the
   * device carries on under its own head (inclusion is proved against it, so nothing new from
   * the other history is trusted) and the report stays for the app to show.
   */
  async refreshHead(): Promise<SignedTreeHead> {
    const logKey = await this.#logKey();
    const head = await this.api.head();
    const known = this.state().splitView;
    if (!verifyTreeHead(head, logKey)) {
      // A relay already caught keeping separate logs may serve the other one later: the device
      // carries on under its own head, as below, rather than refusing every sync.
      if (known && this.state().head) {
        this.#fetchedAt = this.now();
        return this.state().head!;
      }
      throw new CryptoError('the tree head is not signed by the pinned log key');
    }
    try {
      await this.#reconcile(head, 'relay');
      // The relay answers: ask again for a proof it has not given (withheldProof.ts).
      const waiting = this.state().withheld;
      if (waiting && !known) await this.#reconcile(waiting.theirs, waiting.via, waiting.from).catch((e: unknown) => {
        if (!(e instanceof HardlineError && e.code === 'UNAVAILABLE')) throw e;
      });
    } catch (e) {
      if (!(e instanceof SplitViewError) || !known) throw e;
    }
    this.#fetchedAt = this.now();
    return this.state().head!;
  }

  /**
   * A peer's head from a conversation, with the log key the peer says signed it. Never throws:
   * a split view is recorded for the app to show.
   */
  async onPeerHead(head: SignedTreeHead, from: Handle, theirLogKey?: string): Promise<void> {
    const s = this.state();
    if (s.splitView || !s.logKey) return;
    const log = peerHeadLog(head, theirLogKey, s.logKey);
    if (log === 'junk') return;
    if (log === 'different-log-key') {
      // Our own head goes into the report as the other half of the evidence.
      const ours = s.head ?? (await this.refreshHead().catch(() => undefined));
      if (!ours) return;
      s.splitView = { code: 'SPLIT_VIEW', reason: 'different-log-key', detectedAt: new Date(this.now()).toISOString(), via: 'gossip', from, ours, theirs: head, ourLogKey: s.logKey, theirLogKey: theirLogKey! };
      return;
    }
    try {
      await this.#reconcile(head, 'gossip', from);
    } catch {
      // Nothing to pass on: a split view is in the state already (#reconcile records it before
      // throwing), and a proof the relay did not give waits there for the next refresh.
    }
  }

  async #reconcile(head: SignedTreeHead, via: SplitViewReport['via'], from?: Handle): Promise<void> {
    const s = this.state();
    const ours = s.head;
    if (!ours || sameHead(ours, head)) {
      if (!ours) s.head = head;
      if (s.withheld && sameHead(s.withheld.theirs, head)) delete s.withheld;
      return;
    }
    const [small, large] = ours.treeSize <= head.treeSize ? [ours, head] : [head, ours];
    let joined = false;
    if (small.treeSize === 0) joined = true;
    else if (small.treeSize < large.treeSize) {
      try {
        const proof = await this.api.consistency(small.treeSize, large.treeSize);
        joined = verifyConsistency(small.treeSize, large.treeSize, fromBase64Url(small.rootHash), fromBase64Url(large.rootHash), proof);
      } catch (e) {
        // A refusal the relay sends is no better than a wrong proof. An answer that never came
        // proves nothing either way, until the relay has kept it back too long (withheldProof.ts).
        if (!(e instanceof HardlineError && e.code === 'UNAVAILABLE')) joined = false;
        else {
          const w = (s.withheld = noteWithheld(s.withheld, { ours, theirs: head, via, ...(from ? { from } : {}) }, this.now()));
          if (!withheldTooLong(w, this.now())) throw e;
          const report: SplitViewReport = { code: 'SPLIT_VIEW', reason: 'forked-log', detectedAt: new Date(this.now()).toISOString(), via: w.via, ...(w.from ? { from: w.from } : {}), ours: w.ours, theirs: w.theirs, proofWithheld: { since: w.since, refusals: w.refusals } };
          s.splitView ??= report;
          throw new SplitViewError(report);
        }
      }
    }
    if (!joined) {
      const report: SplitViewReport = { code: 'SPLIT_VIEW', reason: 'forked-log', detectedAt: new Date(this.now()).toISOString(), via, ...(from ? { from } : {}), ours, theirs: head };
      s.splitView ??= report;
      throw new SplitViewError(report);
    }
    if (s.withheld && sameHead(s.withheld.theirs, head)) delete s.withheld;
    if (head.treeSize > ours.treeSize) s.head = head;
  }

  /**
   * Rule 1: the directory with every identity key and certificate that the relay cannot prove
   * logged taken out, and what was taken out. Throws SplitViewError if the relay's own heads
   * disagree, UNAVAILABLE if it cannot be asked.
   */
  async vet(users: readonly DirectoryUser[]): Promise<{ users: DirectoryUser[]; notInLog: NotInLog[] }> {
    const leaves = new Map<string, Uint8Array>();
    const keyOf = (leaf: Uint8Array) => {
      const hash = leafHash(leaf);
      const k = toBase64Url(hash);
      leaves.set(k, hash);
      return k;
    };
    const plan = users.map((u) => ({
      identity: u.identityKey ? tryLeaf(() => encodeLogEntry(identityKeyEntry(u.handle, u.identityKey!))) : undefined,
      devices: u.devices.map((d) => (d.certificate === undefined ? undefined : tryLeaf(() => encodeLogEntry(certificateEntry(parseCertificate(d.certificate)))))),
    }));
    const keyed = plan.map((p) => ({ identity: p.identity && keyOf(p.identity), devices: p.devices.map((l) => l && keyOf(l)) }));
    const missing = [...leaves.keys()].filter((k) => !this.#included.has(k));
    if (missing.length > 0 || !this.state().head || this.now() - this.#fetchedAt > HEAD_TTL_MS) await this.refreshHead();
    if (missing.length > 0) await this.#prove(missing.map((k) => leaves.get(k)!));
    const own = this.own();
    const s = this.state();
    if (own.identityKey && s.head) s.monitor = await monitorOwnEntries(this.api, s.head, { handle: own.handle, identityKey: own.identityKey }, s.monitor ?? emptyMonitor);

    const notInLog: NotInLog[] = [];
    const out = users.map((u, i) => {
      const k = keyed[i]!;
      const identityOk = k.identity !== undefined && this.#included.has(k.identity);
      if (u.identityKey && !identityOk) notInLog.push({ handle: u.handle, what: 'identity-key' });
      const devices = u.devices.map((d, j) => {
        if (d.certificate === undefined) return d;
        const dk = k.devices[j];
        if (dk !== undefined && this.#included.has(dk)) return d;
        notInLog.push({ handle: u.handle, deviceId: d.deviceId, what: 'certificate' });
        const { certificate: _, ...rest } = d;
        return rest;
      });
      const { identityKey: __, ...base } = u;
      return { ...(identityOk ? u : base), devices };
    });
    return { users: out, notInLog };
  }

  async #prove(hashes: readonly Uint8Array[]): Promise<void> {
    const head = this.state().head!;
    const root = fromBase64Url(head.rootHash);
    const answers = await this.api.inclusions(head.treeSize, hashes).catch((e: unknown) => {
      if (e instanceof HardlineError && e.code === 'UNAVAILABLE') throw e;
      return [];
    });
    hashes.forEach((h, i) => {
      const a = answers[i];
      if (a && verifyInclusion(a.leafIndex, head.treeSize, h, a.proof, root)) this.#included.add(toBase64Url(h));
    });
  }
}

function tryLeaf(make: () => Uint8Array): Uint8Array | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** The directory's refusals, with those the log check caused named as such. */
export function relabelNotInLog<T extends { readonly handle: Handle; readonly deviceId: DeviceId; readonly reason: string }>(unverifiable: readonly T[], notInLog: readonly NotInLog[]): T[] {
  const devices = new Set(notInLog.filter((n) => n.deviceId).map((n) => n.deviceId));
  const people = new Set(notInLog.filter((n) => n.what === 'identity-key').map((n) => n.handle));
  return unverifiable.map((u) => (devices.has(u.deviceId) || (u.reason === 'no-identity' && people.has(u.handle)) ? { ...u, reason: 'not-in-log' } : u));
}
