/**
 * @module org/orgPolicy
 * The security groups' capability policy, carried in a signed `policy` order. A member of a
 * named group gets that group's capabilities; everyone else the defaults. The client enforces
 * every setting; the relay enforces what it can see (linking and the device count).
 */
import type { Handle } from '../brand.ts';
import { DecodeError, HardlineError } from '../errors.ts';

export const LinkingModes = { ALLOWED: 'allowed', APPROVAL: 'approval', FORBIDDEN: 'forbidden' } as const;
export type LinkingMode = (typeof LinkingModes)[keyof typeof LinkingModes];
export const MetadataLevels = { STANDARD: 'standard', HIGH: 'high' } as const;
export type MetadataLevel = (typeof MetadataLevels)[keyof typeof MetadataLevels];

export type Capabilities = {
  readonly calls: boolean;
  /** 'org': anyone in the directory; otherwise only members of these groups. */
  readonly contacts: 'org' | { readonly groups: readonly string[] };
  readonly contactExport: boolean;
  readonly linking: LinkingMode;
  readonly maxDevices: number;
  /** Disappearing-message timer bounds in seconds; min 0 allows "off". */
  readonly timer: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly previews: boolean;
  /** App lock after this much inactivity; 0: no lock required. */
  readonly appLockSeconds: number;
  /** Failed unlocks after which the device erases its local state; 0: never. */
  readonly wipeAfterFailedUnlocks: number;
  readonly metadata: MetadataLevel;
};

export type SecurityGroup = { readonly name: string; readonly members: readonly Handle[]; readonly capabilities: Capabilities };
export type OrgPolicy = {
  readonly version: number;
  readonly defaults: Capabilities;
  readonly groups: readonly SecurityGroup[];
  /**
   * The ingress hop every device sends its anonymous actions through (docs/protocol.md §6), as
   * the security team signed it. Carried here rather than only announced by the relay
   * (`--ingress-url`), which whoever takes the relay over can change: a device follows a signed
   * hop whatever the relay says, so the hop no longer rests on trust on first use. Absent: the
   * policy does not speak of the hop, and the device keeps to the hop it pinned (web
   * session/pinnedHop.ts); null: the team says no hop, which a hop pinned on first use (perhaps
   * one a taken-over relay named) does not outlive either.
   */
  readonly ingress?: string | null;
};

const YEAR = 365 * 86_400;
export const OPEN_CAPABILITIES: Capabilities = {
  calls: true,
  contacts: 'org',
  contactExport: true,
  linking: 'allowed',
  maxDevices: 10,
  timer: { minSeconds: 0, maxSeconds: YEAR },
  previews: true,
  appLockSeconds: 0,
  wipeAfterFailedUnlocks: 0,
  metadata: 'standard',
};

/** The one refusal a policy makes; `capability` names the setting, for scripts and the UI. */
export class PolicyForbidsError extends HardlineError {
  readonly capability: string;
  constructor(capability: string, message: string) {
    super('POLICY_FORBIDS', `${message} (your organisation's security policy)`);
    this.capability = capability;
  }
}

export function capabilitiesFor(policy: OrgPolicy | undefined, handle: string): Capabilities {
  if (!policy) return OPEN_CAPABILITIES;
  return policy.groups.find((g) => g.members.includes(handle as Handle))?.capabilities ?? policy.defaults;
}

/** Whether `caps` lets its holder reach `other` (contacts: named groups only). */
export function mayContact(policy: OrgPolicy | undefined, caps: Capabilities, other: string): boolean {
  if (caps.contacts === 'org') return true;
  const allowed = caps.contacts.groups;
  return (policy?.groups ?? []).some((g) => allowed.includes(g.name) && g.members.includes(other as Handle));
}

/** A timer the policy allows: below the minimum goes up to it, above the maximum down to it. */
export function clampTimer(caps: Capabilities, seconds: number): number {
  return Math.min(Math.max(seconds, caps.timer.minSeconds), caps.timer.maxSeconds);
}

const MAX_GROUPS = 64;
const MAX_MEMBERS = 10_000;

export function parsePolicy(v: unknown): OrgPolicy {
  const p = v as Record<string, unknown> | null;
  if (!p || typeof p !== 'object' || !Number.isSafeInteger(p.version) || (p.version as number) < 1) throw new DecodeError('policy needs a version >= 1');
  if (!Array.isArray(p.groups) || p.groups.length > MAX_GROUPS) throw new DecodeError(`policy needs a list of at most ${MAX_GROUPS} groups`);
  const groups = p.groups.map((g: Record<string, unknown>) => {
    if (!g || typeof g.name !== 'string' || g.name.length < 1 || g.name.length > 64) throw new DecodeError('a security group needs a name of 1-64 characters');
    if (!Array.isArray(g.members) || g.members.length > MAX_MEMBERS || !g.members.every((m) => typeof m === 'string' && /^[a-z0-9][a-z0-9._-]{1,31}$/.test(m))) {
      throw new DecodeError(`security group "${g.name}" has an invalid member list`);
    }
    return { name: g.name, members: g.members as Handle[], capabilities: parseCapabilities(g.capabilities) };
  });
  const ingress = p.ingress === undefined || p.ingress === null ? p.ingress : parseHopUrl(p.ingress);
  return { version: p.version as number, defaults: parseCapabilities(p.defaults ?? OPEN_CAPABILITIES), groups, ...(ingress !== undefined ? { ingress } : {}) };
}

const MAX_URL = 512;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * https, or http on loopback (as for the relay itself: a plain-http hop far away would show the
 * network every capability); no user, query or fragment, which have no meaning for a hop and
 * could carry a tag per device. Returned in URL's normal form, the form devices compare.
 */
function parseHopUrl(v: unknown): string {
  if (typeof v !== 'string' || v.length > MAX_URL) throw new DecodeError(`policy ingress must be a URL of at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new DecodeError(`policy ingress is not a URL: ${v}`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure) throw new DecodeError('policy ingress must be https:// (plain http:// only on 127.0.0.1 or localhost)');
  if (url.username || url.password || url.search || url.hash) throw new DecodeError('policy ingress must not carry a user, a query or a fragment');
  return url.toString();
}

/** Missing settings take the open value, so a policy names only what it restricts. */
export function parseCapabilities(v: unknown): Capabilities {
  const c = { ...OPEN_CAPABILITIES, ...((v ?? {}) as object) } as Record<string, unknown>;
  const bool = (k: string) => {
    if (typeof c[k] !== 'boolean') throw new DecodeError(`policy setting ${k} must be true or false`);
    return c[k] as boolean;
  };
  const int = (x: unknown, k: string, max: number) => {
    if (!Number.isSafeInteger(x) || (x as number) < 0 || (x as number) > max) throw new DecodeError(`policy setting ${k} must be a whole number 0-${max}`);
    return x as number;
  };
  const contacts = c.contacts === 'org' ? 'org' : parseContactGroups(c.contacts);
  if (!(Object.values(LinkingModes) as unknown[]).includes(c.linking)) throw new DecodeError('policy setting linking must be allowed, approval or forbidden');
  if (!(Object.values(MetadataLevels) as unknown[]).includes(c.metadata)) throw new DecodeError('policy setting metadata must be standard or high');
  const t = (c.timer ?? {}) as Record<string, unknown>;
  const timer = { minSeconds: int(t.minSeconds ?? 0, 'timer.minSeconds', YEAR), maxSeconds: int(t.maxSeconds ?? YEAR, 'timer.maxSeconds', YEAR) };
  if (timer.minSeconds > timer.maxSeconds) throw new DecodeError('policy timer.minSeconds is above timer.maxSeconds');
  return {
    calls: bool('calls'),
    contacts,
    contactExport: bool('contactExport'),
    linking: c.linking as LinkingMode,
    maxDevices: Math.max(1, int(c.maxDevices, 'maxDevices', 100)),
    timer,
    previews: bool('previews'),
    appLockSeconds: int(c.appLockSeconds, 'appLockSeconds', 7 * 86_400),
    wipeAfterFailedUnlocks: int(c.wipeAfterFailedUnlocks, 'wipeAfterFailedUnlocks', 100),
    metadata: c.metadata as MetadataLevel,
  };
}

function parseContactGroups(v: unknown): { groups: string[] } {
  const g = (v as { groups?: unknown } | null)?.groups;
  if (!Array.isArray(g) || g.length > MAX_GROUPS || !g.every((x) => typeof x === 'string' && x.length <= 64)) throw new DecodeError('policy setting contacts must be "org" or { groups: [...] }');
  return { groups: g as string[] };
}
