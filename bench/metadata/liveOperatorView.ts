/**
 * @module liveOperatorView
 * The running relay's view: the full observer trace. The operator names a device wherever the
 * trace lets it: an inbox connection authenticates; a subscription on that connection names the
 * reader of a mailbox; a KeyPackage claim names the device claimed. Posts arrive on anonymous
 * connections, so the sender is named only by inference:
 * - `withAddresses`: the source address of the posting connection is the sender's (what a relay
 *   with no proxy hop in front of it sees today, docs/protocol.md §7 risk 2);
 * - always: the claims that create a conversation's mailboxes come in one burst from its
 *   creator (at `off`; paced but still seconds apart at `balanced` and `strict`), so the burst
 *   tells the operator which mailboxes belong together; a post into one of them was written by
 *   one of the others (weight 1/(k-1) in a k-device conversation). With the creator's own
 *   mailbox from its pool, a direct conversation's setup is a lone claim and ties nothing.
 */
import { SLOT_PARAMS, type PrivacyLevel } from '@hardline/client';
import type { AdversaryView, Sighting } from './adversaryView.ts';
import type { Population } from './population.ts';
import { PRINCIPAL } from './population.ts';
import type { RelayRun } from './relayDriver.ts';
import { runEvents, sourceUser } from './traceEvents.ts';

/**
 * Claims closer together than this (simulated seconds) are one conversation being created. At
 * `off` a setup's claims come in one burst (1 s); at `balanced` and `strict` the client paces
 * them a Poisson gap apart (claimPacing.ts), and the operator, who knows the protocol and sees
 * the level in the traffic's shape, chains claims up to three mean gaps apart (95% of gaps),
 * accepting that unrelated claims (pool refills, other setups) then join a chain too.
 */
export function claimChainSeconds(level: PrivacyLevel): number {
  return level === 'off' ? 1 : Math.max(1, (3 * SLOT_PARAMS[level].busyGapMs) / 1000);
}

export function liveOperatorView(run: RelayRun, pop: Population, withAddresses: boolean): AdversaryView {
  const handleOfDevice = new Map(run.deviceIds.map((d, u) => [d, pop.handles[u]!] as const));
  const events = runEvents(run);
  const connDevice = new Map<number, string>();
  const reader = new Map<string, string>();
  for (const e of events) {
    if (e.kind === 'auth' && e.device) connDevice.set(e.conn, handleOfDevice.get(e.device)!);
    if (e.kind === 'claim' && e.device && e.mailboxId) reader.set(e.mailboxId, handleOfDevice.get(e.device)!);
  }
  for (const e of events) {
    const d = connDevice.get(e.conn);
    if (e.kind === 'subscribe' && e.mailboxId && d) reader.set(e.mailboxId, d);
  }
  const connLabel = (conn: number): string | undefined => {
    if (withAddresses) {
      const u = sourceUser(run, conn);
      return u === undefined ? undefined : pop.handles[u];
    }
    return connDevice.get(conn);
  };

  // Claim bursts: the devices of one new conversation, keyed by each mailbox created.
  const conversationOf = new Map<string, readonly string[]>();
  const chain = claimChainSeconds(run.slots.level);
  let burst: { t: number; mailbox: string; device: string }[] = [];
  const closeBurst = (): void => {
    const devices = [...new Set(burst.map((b) => b.device))];
    if (devices.length > 1) for (const b of burst) conversationOf.set(b.mailbox, devices);
    burst = [];
  };
  for (const e of events) {
    if (e.kind !== 'claim' || !e.device || !e.mailboxId) continue;
    const last = burst[burst.length - 1];
    if (last && e.sim - last.t > chain) closeBurst();
    burst.push({ t: e.sim, mailbox: e.mailboxId, device: handleOfDevice.get(e.device)! });
  }
  closeBurst();

  const sightings: Sighting[] = [];
  for (const e of events) {
    const t = e.sim;
    if (e.kind === 'auth') {
      // A held-open inbox (web app) authenticated when the tab opened, not at this push.
      if (run.heldOpenConns.has(e.conn)) continue;
      const d = connLabel(e.conn);
      if (d) sightings.push({ t, src: d });
    } else if (e.kind === 'claim' && e.device) {
      const src = connLabel(e.conn);
      sightings.push({ t, dst: handleOfDevice.get(e.device)!, ...(src ? { src } : {}) });
    } else if (e.kind === 'post' && e.mailboxId) {
      const dst = reader.get(e.mailboxId);
      const src = connLabel(e.conn);
      const others = (conversationOf.get(e.mailboxId) ?? []).filter((d) => d !== dst);
      if (src) sightings.push({ t, src, ...(dst ? { dst } : {}) });
      else if (others.length > 0) for (const o of others) sightings.push({ t, src: o, ...(dst ? { dst } : {}), w: 1 / others.length });
      else if (dst) sightings.push({ t, dst });
    } else if (e.kind === 'push' && e.mailboxId) {
      const dst = reader.get(e.mailboxId) ?? connLabel(e.conn);
      if (dst) sightings.push({ t, dst });
    }
  }
  sightings.sort((a, b) => a.t - b.t);
  return {
    system: 'Hardline',
    adversary: withAddresses ? 'live operator + source IPs' : 'live operator (trace)',
    sightings,
    target: pop.handles[PRINCIPAL]!,
    candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
    note: withAddresses
      ? 'full observer trace; each connection labelled with the device at its source address'
      : 'full observer trace; anonymous connections stay anonymous; readers from auth+subscribe, conversations from claim bursts',
  };
}
