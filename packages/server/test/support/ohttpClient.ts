/**
 * @module ohttpClient
 * What a client does to reach the relay through an ingress hop, by hand: fetch the gateway's
 * key config, encapsulate a binary HTTP request, POST it to the hop, open the answer.
 */
import { decapsulateResponse, decodeBinaryHttpResponse, decodeKeyConfigs, encapsulateRequest, encodeBinaryHttpRequest, type KeyConfig } from '@hardline/protocol/ohttp';

export async function gatewayConfig(relayUrl: string): Promise<KeyConfig> {
  const r = await fetch(`${relayUrl}/v1/ohttp/keys`);
  if (r.headers.get('content-type') !== 'application/ohttp-keys') throw new Error(`keys answered ${r.status} ${r.headers.get('content-type')}`);
  return decodeKeyConfigs(new Uint8Array(await r.arrayBuffer()))[0]!;
}

export type InnerRequest = { method: string; path: string; json?: unknown; bytes?: Uint8Array; headers?: [string, string][] };

export function innerBytes(req: InnerRequest): Uint8Array {
  const body = req.bytes ?? (req.json !== undefined ? new TextEncoder().encode(JSON.stringify(req.json)) : new Uint8Array(0));
  const type: [string, string][] = req.bytes ? [['content-type', 'application/octet-stream']] : req.json !== undefined ? [['content-type', 'application/json']] : [];
  return encodeBinaryHttpRequest({ method: req.method, scheme: 'https', authority: 'relay', path: req.path, headers: [...type, ...(req.headers ?? [])], body });
}

/** The inner answer (status and parsed JSON) once the outer one was an encapsulated response. */
export async function throughHop(hopUrl: string, config: KeyConfig, req: InnerRequest): Promise<{ status: number; body: any }> {
  const { encapsulated, context } = await encapsulateRequest(config, innerBytes(req));
  const outer = await fetch(hopUrl, { method: 'POST', headers: { 'content-type': 'message/ohttp-req' }, body: new Uint8Array(encapsulated) });
  if (outer.status !== 200) throw new Error(`hop answered ${outer.status}: ${await outer.text()}`);
  const inner = decodeBinaryHttpResponse(await decapsulateResponse(context, new Uint8Array(await outer.arrayBuffer())));
  return { status: inner.status, body: JSON.parse(new TextDecoder().decode(inner.body)) };
}
