/**
 * @module ingressFetch
 * A `fetch` for the anonymous calls (posts, claims, blobs) that goes through an ingress hop
 * (`hardline ingress`, docs/protocol.md §6): each request is encapsulated with Oblivious HTTP
 * (RFC 9458) to the relay's gateway key and POSTed to the hop. The hop learns this device's
 * address and nothing it carries; the relay learns what it carries and only the hop's address.
 *
 * The gateway's key config is fetched from the relay directly and kept for the client's life;
 * a refusal with OHTTP_KEY (the relay rotated its key) fetches it once more and retries.
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

export class IngressFetch {
  private config: Promise<KeyConfig> | undefined;
  private readonly unlinked: typeof fetch;

  constructor(
    readonly ingress: URL,
    private readonly relay: URL,
    transport: Transport,
  ) {
    this.unlinked = transport.fetchUnlinked ?? transport.fetch;
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
    try {
      return await this.send(inner);
    } catch (e) {
      if (!(e instanceof HardlineError && e.code === ErrorCodes.OHTTP_KEY)) throw e;
      this.config = undefined;
      return this.send(inner);
    }
  };

  /**
   * Starts the key-config fetch now, when the hop is set up, so that it does not go out right
   * before the first request through the hop and time it for an observer of this address. A
   * failure is dropped here: the first request fetches again.
   */
  prefetch(): void {
    this.keyConfig().catch(() => undefined);
  }

  private keyConfig(): Promise<KeyConfig> {
    this.config ??= (async () => {
      const res = await this.unlinked(new URL('/v1/ohttp/keys', this.relay));
      if (res.status !== 200) throw new HardlineError('UNAVAILABLE', `the relay gave no Oblivious HTTP key config (HTTP ${res.status})`);
      const config = decodeKeyConfigs(new Uint8Array(await res.arrayBuffer())).find(supportsKeyConfig);
      if (!config) throw new HardlineError(ErrorCodes.OHTTP_KEY, 'the relay offers no Oblivious HTTP key this client can use');
      return config;
    })();
    // A failed fetch is not kept: the next call tries again.
    this.config.catch(() => (this.config = undefined));
    return this.config;
  }

  private async send(inner: Uint8Array): Promise<Response> {
    const { encapsulated, context } = await encapsulateRequest(await this.keyConfig(), inner);
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
