/**
 * @module sourceLimits
 * What each source address holds right now: connections, anonymous WebSockets and request body
 * bytes, against a relay-wide cap and a per-address cap for each. The per-address counts are in
 * memory only and only while something is held: an entry is deleted when its counts reach zero,
 * and nothing here is ever logged, persisted or handed to the observer.
 *
 * A source is the peer's IP address; for IPv6 it is the /64 prefix, since one subscriber
 * usually gets a whole /64 and could otherwise open each connection from a fresh address.
 */
import type { RelayLimits } from './relayLimits.ts';

/** IPv4-mapped IPv6 is folded to IPv4; IPv6 is cut to its /64. */
export function sourceKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return '?';
  const a = remoteAddress.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  return `${expandIpv6(a).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(a: string): string[] {
  const [head = '', tail] = a.split('%')[0]!.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0');
  return [...h, ...fill, ...t].map((x) => x.replace(/^0+(?=.)/, ''));
}

export type Kind = 'connections' | 'anonymousSockets' | 'bodyBytes';

type Counts = Record<Kind, number>;

const zero = (): Counts => ({ connections: 0, anonymousSockets: 0, bodyBytes: 0 });

/** Why a reservation was refused: the relay as a whole is full, or this source is. */
export type Refusal = 'relay' | 'source';

export class SourceLimits {
  readonly #caps: Record<Kind, { readonly total: number; readonly perSource: number }>;
  readonly #total: Counts = zero();
  readonly #bySource = new Map<string, Counts>();

  constructor(limits: Pick<RelayLimits, 'maxConnections' | 'maxConnectionsPerAddress' | 'maxAnonymousSockets' | 'maxAnonymousSocketsPerAddress' | 'maxBodyBytesInFlight' | 'maxBodyBytesInFlightPerAddress'>) {
    this.#caps = {
      connections: { total: limits.maxConnections, perSource: limits.maxConnectionsPerAddress },
      anonymousSockets: { total: limits.maxAnonymousSockets, perSource: limits.maxAnonymousSocketsPerAddress },
      bodyBytes: { total: limits.maxBodyBytesInFlight, perSource: limits.maxBodyBytesInFlightPerAddress },
    };
  }

  /**
   * Takes `amount` of `kind` for `source`, or nothing. The returned release gives it back once,
   * however often it is called (a socket's 'close' and an error path may both call it).
   */
  reserve(kind: Kind, source: string, amount = 1): { release: () => void } | Refusal {
    const cap = this.#caps[kind];
    const held = this.#bySource.get(source);
    if (this.#total[kind] + amount > cap.total) return 'relay';
    if ((held?.[kind] ?? 0) + amount > cap.perSource) return 'source';
    const counts = held ?? zero();
    if (!held) this.#bySource.set(source, counts);
    counts[kind] += amount;
    this.#total[kind] += amount;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        counts[kind] -= amount;
        this.#total[kind] -= amount;
        if (counts.connections === 0 && counts.anonymousSockets === 0 && counts.bodyBytes === 0) this.#bySource.delete(source);
      },
    };
  }

  /** Relay-wide totals (never per source): for tests and the abuse benchmark. */
  totals(): Readonly<Counts> & { readonly sources: number } {
    return { ...this.#total, sources: this.#bySource.size };
  }
}
