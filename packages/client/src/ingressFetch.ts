/**
 * @module ingressFetch
 * A `fetch` for the anonymous calls (posts, claims, blobs) that goes through an ingress hop
 * (`hardline ingress`, docs/protocol.md §6): each request is encapsulated with Oblivious HTTP
 * (RFC 9458) to the relay's gateway key and POSTed to the hop. The hop learns this device's
 * address and nothing it carries; the relay learns what it carries and only the hop's address.
 *
 * The gateway's key config is fetched through the hop (`GET /v1/ohttp/keys` at the hop, which
 * hands every client the config it fetched itself: server ingress/sharedKeyConfig.ts), when the
 * hop is set up, and renewed there every few hours (RENEW_MIN_MS). Not from the relay: asked from this device's
 * own address, the relay could answer it with a key of its own and recognise every request
 * sealed to that key (key tagging, docs/protocol.md §7). Nor on a request's path: a fetch right
 * before a post would time it. With no config (the set-up fetch failed) or a refusal with OHTTP_KEY (the relay
 * rotated its key, or says so), the request fails UNAVAILABLE (posts stay queued) and the config
 * is fetched again after a random delay of its own (REFETCH_MIN_MS..REFETCH_MAX_MS), at a time
 * that has nothing to do with any post.
 *
 * Both go on the transport's unlinked fetch when it has one, like every anonymous call: in
 * the browser that is a request without credentials or cache (the hop is another origin, and
 * a cookie or a cached answer there would tell its operator one client from another); in Node
 * a connection of its own, so the key fetch never rides a connection the session used.
 */
import { ErrorCodes, HardlineError } from '@hardline/protocol';
import {
  decapsulateResponse,
  decodeBinaryHttpResponse,
  decodeKeyConfigs,
  encapsulateRequest,
  encodeBinaryHttpRequest,
  supportsKeyConfig,
  type BinaryHttpField,
  type KeyConfig,
} from '@hardline/protocol/ohttp';
import type { Transport } from './transport.ts';
import { UnsentError } from './unsentError.ts';

/**
 * The inner request is padded with zeros (RFC 9292 §3.8; the gateway's decoder accepts them) to
 * the next power of two from 1 KiB, and past 64 KiB to the next 64 KiB: otherwise the sealed size
 * the hop sees would tell a `later` post from a `now` one, and one path from another.
 */
const MIN_BUCKET = 1024;
const LARGE_STEP = 64 * 1024;

export function paddedLength(n: number): number {
  if (n > LARGE_STEP) return Math.ceil(n / LARGE_STEP) * LARGE_STEP;
  let size = MIN_BUCKET;
  while (size < n) size *= 2;
  return size;
}

function pad(inner: Uint8Array): Uint8Array {
  const out = new Uint8Array(paddedLength(inner.length));
  out.set(inner);
  return out;
}

/** The inner headers the gateway reads; anything else would only be something to fingerprint. */
const PASSED = new Set(['content-type', 'authorization', 'hardline-wake']);

/** Where the hop hands out the relay's key config. */
const KEYS_PATH = '/v1/ohttp/keys';

/** The refetch after a failed or refused config waits this long, drawn afresh each time. */
export const REFETCH_MIN_MS = 30_000;
export const REFETCH_MAX_MS = 300_000;

function randomRefetchDelay(): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return REFETCH_MIN_MS + Math.floor((n! / 2 ** 32) * (REFETCH_MAX_MS - REFETCH_MIN_MS));
}

/**
 * A config in use is fetched again (through the hop) after this long, drawn afresh each time, and
 * kept until the new one is in. Kept for the client's life, it would stay the key of the hour it
 * started in: a relay that answers each of the hop's hourly fetches with another key would then
 * link all this client's posts, weeks apart, to the few clients that started in that hour, which
 * it sees from their own addresses. Renewed at random times, the client joins whoever fetched in
 * the same hour, and the relay does not see when (the hop answers from its shared copy).
 */
export const RENEW_MIN_MS = 2 * 3_600_000;
export const RENEW_MAX_MS = 8 * 3_600_000;

function randomBetween(min: number, max: number): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return min + Math.floor((n! / 2 ** 32) * (max - min));
}

export type IngressFetchOptions = {
  /** The delay before a refetch of the key config; random by default (tests pass their own). */
  readonly refetchDelayMs?: () => number;
  /** The delay before a config in use is renewed; random by default (tests pass their own). */
  readonly renewDelayMs?: () => number;
};

export class IngressFetch {
  /** The config in use; undefined until a fetch succeeds, and again once the gateway refuses it. */
  private config: KeyConfig | undefined;
  /** A fetch not yet answered: the set-up one, or a scheduled refetch. */
  private fetching: Promise<KeyConfig> | undefined;
  /** Whether `fetching` is the set-up one, which a request may wait for (see keyConfig). */
  private fetchingAtSetUp = false;
  private refetchTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly unlinked: typeof fetch;
  private readonly refetchDelayMs: () => number;
  private readonly renewDelayMs: () => number;

  constructor(
    readonly ingress: URL,
    transport: Transport,
    opts: IngressFetchOptions = {},
  ) {
    this.unlinked = transport.fetchUnlinked ?? transport.fetch;
    this.refetchDelayMs = opts.refetchDelayMs ?? randomRefetchDelay;
    this.renewDelayMs = opts.renewDelayMs ?? (() => randomBetween(RENEW_MIN_MS, RENEW_MAX_MS));
  }

  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: BinaryHttpField[] = [];
    for (const [name, value] of new Headers(init.headers)) {
      if (!PASSED.has(name)) continue;
      // A session names the device: it must never ride next to an anonymous action.
      if (name === 'authorization' && !value.startsWith('Capability ')) throw new HardlineError('USAGE', 'a session call cannot go through the ingress hop');
      headers.push([name, value]);
    }
    const body = init.body === undefined || init.body === null ? new Uint8Array(0) : new Uint8Array(await new Response(init.body).arrayBuffer());
    const inner = pad(encodeBinaryHttpRequest({ method: init.method ?? 'GET', scheme: url.protocol.replace(':', ''), authority: url.host, path: url.pathname + url.search, headers, body }));
    const config = await this.keyConfig();
    try {
      return await this.send(config, inner);
    } catch (e) {
      if (!(e instanceof HardlineError && e.code === ErrorCodes.OHTTP_KEY)) throw e;
      // Not fetched again now and the request not sent again: a key fetch from this address
      // followed by the same post through the hop would tie the two together for the relay.
      if (this.config === config) this.config = undefined;
      this.scheduleRefetch();
      throw new HardlineError('UNAVAILABLE', 'the relay refused the Oblivious HTTP key in use; a new one is fetched later and the request waits', { cause: e });
    }
  };

  /**
   * Starts the key-config fetch now, when the hop is set up, so that it does not go out right
   * before the first request through the hop and time it for an observer of this address. A
   * failure is not retried by a request: a refetch is scheduled at a random time of its own.
   */
  prefetch(): void {
    this.startFetch(false);
  }

  /** No refetch after this: the client is closed. */
  stop(): void {
    this.stopped = true;
    if (this.refetchTimer !== undefined) clearTimeout(this.refetchTimer);
    this.refetchTimer = undefined;
    if (this.renewTimer !== undefined) clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
  }

  /**
   * The config in use, or the answer of the set-up fetch still under way (it went out as the
   * client opened, not because of this request); never a fetch of its own. A request does not
   * wait for a refetch: it would then leave right after it, the very timing this avoids.
   */
  private async keyConfig(): Promise<KeyConfig> {
    if (this.config) return this.config;
    // Unsent (unsentError.ts): the request has not left, so the token it carries goes back.
    if (this.fetching && !this.fetchingAtSetUp) throw new UnsentError('UNAVAILABLE', 'the Oblivious HTTP key config is being fetched again; the request waits');
    if (this.fetching) {
      try {
        return await this.fetching;
      } catch (cause) {
        throw new UnsentError('UNAVAILABLE', 'no Oblivious HTTP key config yet; the request waits', { cause });
      }
    }
    this.scheduleRefetch();
    throw new UnsentError('UNAVAILABLE', 'no Oblivious HTTP key config yet; the request waits');
  }

  /**
   * `fresh`: a refetch after a failure or a refusal, marked `cache: 'reload'` so that a transport
   * which keeps a copy of the config (the web app's keyConfigTransport) asks the hop rather than
   * answering with the copy that was just refused. Node's fetch ignores the mark.
   */
  private startFetch(fresh: boolean): void {
    if (this.fetching || this.stopped) return;
    const fetching = (async () => {
      const res = await this.unlinked(new URL(KEYS_PATH, this.ingress), fresh ? { cache: 'reload' } : undefined);
      if (res.status !== 200) throw new HardlineError('UNAVAILABLE', `the ingress hop gave no Oblivious HTTP key config (HTTP ${res.status})`);
      const config = decodeKeyConfigs(new Uint8Array(await res.arrayBuffer())).find(supportsKeyConfig);
      if (!config) throw new HardlineError(ErrorCodes.OHTTP_KEY, 'the relay offers no Oblivious HTTP key this client can use');
      return config;
    })();
    this.fetching = fetching;
    this.fetchingAtSetUp = !fresh;
    fetching.then(
      (config) => {
        this.config = config;
        this.fetching = undefined;
        this.scheduleRenew();
      },
      () => {
        this.fetching = undefined;
        // A renewal that failed leaves the config in use, and is tried again at the next renewal.
        if (this.config) this.scheduleRenew();
        else this.scheduleRefetch();
      },
    );
  }

  /** One refetch at a time, after a random delay: never because a request is waiting. */
  private scheduleRefetch(): void {
    if (this.refetchTimer !== undefined || this.fetching || this.stopped) return;
    const timer = setTimeout(() => {
      this.refetchTimer = undefined;
      if (!this.config) this.startFetch(true);
    }, this.refetchDelayMs());
    // In Node the timer must not keep a finished command alive.
    (timer as { unref?: () => void }).unref?.();
    this.refetchTimer = timer;
  }

  /** The next renewal of the config in use, at a random time of its own (RENEW_MIN_MS..RENEW_MAX_MS). */
  private scheduleRenew(): void {
    if (this.stopped) return;
    if (this.renewTimer !== undefined) clearTimeout(this.renewTimer);
    const timer = setTimeout(() => {
      this.renewTimer = undefined;
      // `fresh`: past a copy a transport keeps (the web app's), to the hop.
      this.startFetch(true);
    }, this.renewDelayMs());
    (timer as { unref?: () => void }).unref?.();
    this.renewTimer = timer;
  }

  private async send(config: KeyConfig, inner: Uint8Array): Promise<Response> {
    const { encapsulated, context } = await encapsulateRequest(config, inner);
    let res: Response;
    try {
      res = await this.unlinked(this.ingress, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(encapsulated) });
    } catch (cause) {
      throw new HardlineError('UNAVAILABLE', `the ingress hop at ${this.ingress.origin} is unreachable`, { cause });
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200 || res.headers.get('content-type') !== 'message/ohttp-res') {
      // An unsealed answer: the hop's own refusal, or the gateway's before it could open ours.
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(new TextDecoder().decode(bytes)) as { error?: { code?: string; message?: string } }).error;
      } catch {
        throw new HardlineError('UNAVAILABLE', `the ingress hop answered HTTP ${res.status} without an encapsulated response`);
      }
      if (error?.code === ErrorCodes.OHTTP_KEY) throw new HardlineError(ErrorCodes.OHTTP_KEY, 'the relay rotated its gateway key');
      // A busy or failing hop (429, 5xx) is a reason to wait, not to drop: posts stay queued.
      if (res.status === 429 || res.status >= 500) throw new HardlineError('UNAVAILABLE', `the ingress hop: ${error?.message ?? `HTTP ${res.status}`}`);
      return new Response(new Uint8Array(bytes), { status: res.status, headers: { 'content-type': 'application/json' } });
    }
    const answer = decodeBinaryHttpResponse(await decapsulateResponse(context, bytes));
    return new Response(new Uint8Array(answer.body), { status: answer.status, headers: [...answer.headers] as [string, string][] });
  }
}
