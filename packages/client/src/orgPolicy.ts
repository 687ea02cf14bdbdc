/**
 * @module orgPolicy
 * The device's side of the security team's orders (protocol org/): it pins the org key at
 * enrolment, from the fingerprint the invite carried, then reads the org's signed order chain
 * from the relay on every directory refresh and acts only on orders that verify under the
 * pinned key and extend the chain it already holds. What it acts on: revocations (trustRules
 * rule 4) and the capability policy, which the engine enforces (requireCapability and friends).
 *
 * A relay that forges, alters or drops an order breaks the chain: the device keeps what it had
 * verified before the break, applies nothing after it, and reports the break (orgAlert).
 * A relay can still withhold new orders (serve an old chain): that is noticed by the security
 * team, whose device list shows the policy version each device applied.
 */
import {
  capabilitiesFor,
  checkChain,
  clampTimer,
  EMPTY_CHAIN,
  HardlineError,
  toHex,
  mayContact,
  orgKeyFingerprint,
  orderHash,
  parseOrder,
  PolicyForbidsError,
  verifyOrder,
  type Capabilities,
  type ChainBreak,
  type ChainHead,
  type DeviceId,
  type OrgPolicy,
  type SignedOrder,
} from '@hardline/protocol';
import type { DeviceState } from './deviceState.ts';
import type { RelayApi } from './relayApi.ts';

/** Kept in the device state's extensions under this name. */
export const ORG_EXTENSION = 'org';

export type OrgState = {
  /** The pinned org public key (base64url); undefined until this device saw one. */
  readonly key?: string;
  /**
   * The key was pinned from the chain's first order on a refresh after enrolment (the org had no
   * key then): whoever held the relay at that refresh may have installed it. Its signed hop is not
   * followed (signedIngress), so a takeover cannot swap the hop the device chose or pinned.
   */
  readonly keyFromChain?: true;
  /**
   * What this device waits for in its verified chain before it trusts the chain's hop (AwaitedEntry).
   * Until then the relay may be serving a chain cut short to withhold the policy that names the
   * hop: the device holds its anonymous actions rather than send them through a hop the relay
   * named, or straight to it (web session/awaitedInvite.ts; the engine's route, ingressRoute.ts,
   * unless a hop was given or chosen), and no policy's hop counts as signed (signedIngress; an
   * older policy may name a hop the team gave up, or none).
   */
  readonly awaited?: AwaitedEntry;
  readonly head: ChainHead;
  readonly policy?: OrgPolicy;
  readonly revoked: readonly DeviceId[];
  /** Verified link approvals (the newest few); the relay lets each make one link code. */
  readonly linkApprovals?: readonly { readonly handle: string; readonly expiresAt: string }[];
  /** The first break seen in the relay's chain; orders from there on are ignored. */
  readonly refused?: ChainBreak;
  /** Day (YYYY-MM-DD) and version last reported to the relay. */
  readonly reported?: { readonly day: string; readonly version: number };
};

/**
 * An entry of the org's chain that was signed before this device could be served a chain, so a
 * chain that reaches it holds every order signed before it, a policy naming the hop included (not
 * one signed after it: the relay can still withhold that).
 * - `invite`: SHA-256 (hex) of the invite this device enrolled with; the team signed it before
 *   the relay made the code.
 * - `head`: the head of the chain the device that linked this one had verified, handed over in
 *   the sealed link answer (protocol linkHandshake.ts), which the relay can neither read nor alter.
 * - `linkAnswer`: a linked device whose answer has not come yet: it does not know the head yet.
 */
export type AwaitedEntry = { readonly invite: string } | { readonly head: ChainHead } | { readonly linkAnswer: true };

export const NO_ORG: OrgState = { head: EMPTY_CHAIN, revoked: [] };

export function orgStateOf(v: unknown): OrgState {
  const s = v as (OrgState & { awaitInvite?: unknown }) | undefined;
  if (!(s && typeof s === 'object' && s.head && Array.isArray(s.revoked))) return NO_ORG;
  // Saved before the awaited entry was general: `awaitInvite` held the invite's hash.
  if (typeof s.awaitInvite === 'string') {
    const { awaitInvite, ...rest } = s;
    return { ...rest, awaited: rest.awaited ?? { invite: awaitInvite } };
  }
  return s;
}

/**
 * At enrolment. With a fingerprint (from the invite), the relay's org key must match it. Without
 * one, the relay's key is pinned on first use, which is as good as the relay was at that moment.
 */
export function pinOrgKey(relayOrgKey: unknown, fingerprint: string | undefined, awaited?: AwaitedEntry): OrgState {
  const key = typeof relayOrgKey === 'string' ? relayOrgKey : undefined;
  if (fingerprint !== undefined) {
    if (!key || orgKeyFingerprint(key) !== fingerprint) {
      throw new HardlineError('CRYPTO', 'the relay does not serve the org key your invite names: do not enrol here, and tell your security team');
    }
  }
  // Only a code that names the org key has a chain to wait for: the team's key, not the relay's.
  return key ? { ...NO_ORG, key, ...(fingerprint !== undefined && awaited ? { awaited } : {}) } : NO_ORG;
}

/** The hash an invite order carries for `code` (hex SHA-256 of the code as the relay normalises it). */
export async function inviteCodeHash(code: string): Promise<string> {
  const normal = code.toUpperCase().replace(/[\s-]/g, '');
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(normal))));
}

/**
 * Whether this device still waits for its awaited entry in the verified chain: its own invite, or,
 * for a linked device, the head its linking device handed over (the name is from the invite's time).
 */
export function awaitingInvite(state: OrgState): boolean {
  return state.awaited !== undefined;
}

/**
 * A linked device takes the head its linking device handed over (deviceLinking.ts) in place of
 * `linkAnswer`. A chain already past that head satisfies it: only the org key signs orders, so a
 * verified chain holds at that seq what the linking device holds, unless the team's key signed a
 * fork. An answer with no head (a linking device of an older version, or one with no chain yet)
 * leaves nothing to wait for. A device that awaited no link answer (its code named no org key) is
 * unchanged: it trusts the relay's key on first use anyway.
 * `keyFromChain`: the linking device took the org key from the chain after its enrolment, so the
 * relay may have installed it. The link code names that key, and the new device pinned it as if
 * an invite had: it takes the linking device's mark, and no hop signed under that key counts
 * (signedIngress), so the hop its person chose stays in use, as on the linking device.
 */
export function takeLinkedHead(state: OrgState, head: ChainHead | undefined, keyFromChain = false): OrgState {
  if (keyFromChain && state.key) state = { ...state, keyFromChain: true };
  if (!state.awaited || !('linkAnswer' in state.awaited)) return state;
  const { awaited: _answer, ...rest } = state;
  if (!head || state.head.seq > head.seq || (state.head.seq === head.seq && state.head.hash === head.hash)) return rest;
  return { ...rest, awaited: { head } };
}

/** What a device hands over to the one it links (takeLinkedHead): its verified head, if it has a chain. */
export function headToHandOver(state: OrgState): ChainHead | undefined {
  // A device still waiting itself knows no head worth handing on (deviceLinking.ts answers later).
  return state.key && !state.awaited && state.head.seq > 0 ? state.head : undefined;
}

const MAX_PAGES = 64;
const MAX_APPROVALS = 16;

/** Reads the orders after the chain head this device holds, and applies those that verify. */
export async function refreshOrg(api: RelayApi, state: OrgState): Promise<OrgState> {
  if (state.refused) return state;
  let next = state;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await api.request<{ orders: unknown[] }>('GET', `/v1/org/orders/after/${next.head.seq}`, undefined, 'session');
    if (page.orders.length === 0) break;
    let orders: SignedOrder[];
    try {
      orders = page.orders.map(parseOrder);
    } catch {
      return { ...next, refused: { seq: next.head.seq + 1, reason: 'signature' } };
    }
    // A device that enrolled before the org had a key pins the chain's first key (first use).
    const key = next.key ?? (next.head.seq === 0 && orders[0]?.kind === 'org-key' ? orders[0].orgKey : undefined);
    if (!key) break;
    const check = checkChain(orders, key, next.head);
    next = applyOrders({ ...next, key, ...(next.key === undefined ? { keyFromChain: true as const } : {}) }, check.valid, check.head);
    if (check.broken) return { ...next, refused: check.broken };
  }
  return next;
}

function applyOrders(state: OrgState, orders: readonly SignedOrder[], head: ChainHead): OrgState {
  let policy = state.policy;
  const revoked = new Set(state.revoked);
  let approvals = state.linkApprovals ?? [];
  let awaited = state.awaited;
  for (const o of orders) {
    if (awaited && reaches(o, awaited)) awaited = undefined;
    if (o.kind === 'revocation') revoked.add((o as SignedOrder<'revocation'>).body.deviceId);
    if (o.kind === 'policy') policy = (o as SignedOrder<'policy'>).body;
    if (o.kind === 'link-approval') approvals = [...approvals, (o as SignedOrder<'link-approval'>).body].slice(-MAX_APPROVALS);
  }
  const { awaited: _waited, ...rest } = state;
  return { ...rest, head, revoked: [...revoked], linkApprovals: approvals, ...(policy ? { policy } : {}), ...(awaited ? { awaited } : {}) };
}

/**
 * Whether the verified order `o` is the awaited entry. A head is reached only by the order with its
 * very hash: another one at that seq, though signed by the team's key, is not what the linking
 * device verified, and the device keeps waiting (held, not sending) rather than guess.
 */
function reaches(o: SignedOrder, awaited: AwaitedEntry): boolean {
  if ('invite' in awaited) return (o.kind === 'invite' || o.kind === 're-enrolment') && (o.body as { codeHash: string }).codeHash === awaited.invite;
  if ('head' in awaited) return o.seq === awaited.head.seq && orderHash(o) === awaited.head.hash;
  return false;
}

/** Tells the relay which policy version this device applied, once a day or when it changes. */
export async function reportApplied(api: RelayApi, state: OrgState, now = new Date()): Promise<OrgState> {
  const day = now.toISOString().slice(0, 10);
  const version = state.policy?.version ?? 0;
  if (state.reported?.day === day && state.reported.version === version) return state;
  await api.request('POST', '/v1/org/applied', { policyVersion: version }, 'session');
  return { ...state, reported: { day, version } };
}

/**
 * The ingress hop the security team signed into the policy this device applies (ingressRoute.ts):
 * a URL, null for "no hop", undefined when the policy does not speak of it.
 */
export function signedIngress(state: OrgState): string | null | undefined {
  // A key first shown by the relay after enrolment may be the relay's own: no hop from it.
  // While the device waits for its awaited entry, the chain may be cut short before the team's latest
  // hop policy: an older one ("no hop", or a hop given up) is not the team's word either.
  return state.keyFromChain || state.awaited !== undefined ? undefined : state.policy?.ingress;
}

/** The same, read from a saved device state before an engine is opened on it (the web page's start). */
export function signedIngressOf(state: Pick<DeviceState, 'extensions'>): string | null | undefined {
  return signedIngress(orgStateOf(state.extensions?.[ORG_EXTENSION]));
}

/** The same, read from a saved device state (the web page's start). */
export function awaitingInviteOf(state: Pick<DeviceState, 'extensions'>): boolean {
  return awaitingInvite(orgStateOf(state.extensions?.[ORG_EXTENSION]));
}

export function orgRevoked(state: OrgState): ReadonlySet<DeviceId> {
  return new Set(state.revoked);
}

export function capabilities(state: OrgState, handle: string): Capabilities {
  return capabilitiesFor(state.policy, handle);
}

const REFUSALS = {
  calls: 'calls are not allowed for you',
  contactExport: 'exporting the contact book is not allowed for you',
  linking: 'linking new devices is not allowed for you',
} as const;

/** Throws POLICY_FORBIDS unless `handle`'s policy allows `what`. */
export function requireCapability(state: OrgState, handle: string, what: keyof typeof REFUSALS, now = Date.now()): void {
  const caps = capabilities(state, handle);
  // With "approval", a signed approval must exist; the relay checks it is not used up yet.
  const approved = () => (state.linkApprovals ?? []).some((a) => a.handle === handle && Date.parse(a.expiresAt) > now);
  const allowed = what === 'linking' ? caps.linking === 'allowed' || (caps.linking === 'approval' && approved()) : caps[what];
  if (!allowed) throw new PolicyForbidsError(what, what === 'linking' && caps.linking === 'approval' ? 'linking a new device needs the security team\'s approval' : REFUSALS[what]);
}

export function requireContactAllowed(state: OrgState, handle: string, others: readonly string[]): void {
  const caps = capabilities(state, handle);
  const barred = others.filter((o) => o !== handle && !mayContact(state.policy, caps, o));
  if (barred.length > 0) throw new PolicyForbidsError('contacts', `you may not contact ${barred.join(', ')}`);
}

/** A disappearing-message timer within the policy's bounds (0, "off", counts as below any minimum). */
export function timerWithinPolicy(state: OrgState, handle: string, seconds: number): number {
  return clampTimer(capabilities(state, handle), seconds);
}

/**
 * A revoked device asks whether the security team ordered it wiped. Only an order signed by the
 * pinned org key, naming this very device and saying `wipe`, counts: a relay cannot make a
 * device destroy its own data on its word.
 */
export async function wipeOrdered(api: RelayApi, state: OrgState, deviceId: DeviceId): Promise<boolean> {
  if (!state.key) return false;
  const { order } = await api.request<{ order: unknown }>('GET', `/v1/org/revocations/${deviceId}`).catch(() => ({ order: null }));
  if (order === null || order === undefined) return false;
  try {
    const o = parseOrder(order);
    return o.kind === 'revocation' && verifyOrder(o, state.key) && (o as SignedOrder<'revocation'>).body.deviceId === deviceId && (o as SignedOrder<'revocation'>).body.wipe;
  } catch {
    return false;
  }
}

