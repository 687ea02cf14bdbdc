/**
 * @module deviceTransport
 * A client Transport whose every TCP connection leaves from one loopback address of its own
 * (127.0.x.y), so the relay sees each simulated device at a distinct source address, as it
 * would see distinct phones. Node's built-in fetch shares one connection pool across the whole
 * process, which would let two simulated devices share a keep-alive connection (something
 * two real phones never do), so fetch is re-implemented here over node:http with a
 * per-device keep-alive agent: one device, one pool, like a real client.
 */
import { Agent, request } from 'node:http';
import WebSocket from 'ws';
import type { Transport, WebSocketLike } from '@hardline/client';

/** The loopback address standing in for device number `n` (0-based, up to 65,000 devices). */
export function deviceAddress(n: number): string {
  return `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
}

export type DeviceTransport = Transport & { readonly address: string; close(): void };

export function deviceTransport(address: string): DeviceTransport {
  const agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: address });
  const fetchOverHttp = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const body = init?.body === undefined || init.body === null ? undefined : (init.body as string | Uint8Array);
      const req = request(
        url,
        { method: init?.method ?? 'GET', agent, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return {
    address,
    fetch: fetchOverHttp as typeof fetch,
    openWebSocket(url: string): WebSocketLike {
      return new WebSocket(url, { maxPayload: 1 << 20, localAddress: address }) as unknown as WebSocketLike;
    },
    close: () => agent.destroy(),
  };
}
