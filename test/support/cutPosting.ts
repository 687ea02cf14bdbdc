/**
 * @module test/support/cutPosting
 * A network that drops the anonymous posting path (`/v1/post`) while everything else still
 * answers: what a device sees when a hostile network or a failing relay front cuts posts.
 * Each cut socket "opens" and is closed at once, as a reset connection looks to the client.
 */
import { HardlineClient, RelayApi, type Transport, type WebSocketLike } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { tempDir } from './cliHarness.ts';

export type CuttableTransport = Transport & { cut: boolean };

export function cuttablePosting(): CuttableTransport {
  const t: CuttableTransport = {
    cut: false,
    fetch: (...args) => nodeTransport.fetch(...args),
    openWebSocket(url: string): WebSocketLike {
      if (!t.cut || !new URL(url).pathname.endsWith('/v1/post')) return nodeTransport.openWebSocket(url);
      const ws: WebSocketLike = {
        binaryType: 'arraybuffer',
        readyState: 0,
        send: () => undefined,
        close: () => undefined,
        onopen: null,
        onclose: null,
        onerror: null,
        onmessage: null,
      };
      setTimeout(() => {
        ws.onerror?.({});
        ws.onclose?.({ code: 1006, reason: 'cut' });
      }, 5);
      return ws;
    },
  };
  return t;
}

/** A client enrolled through the admin API whose posting can be cut. */
export async function enrolCuttable(url: string, adminToken: string, handle: string): Promise<{ client: HardlineClient; net: CuttableTransport }> {
  const net = cuttablePosting();
  const { code } = await new RelayApi(new URL(url), nodeTransport).adminInvite(adminToken);
  const client = await HardlineClient.register({ ...nodeClientOptions(tempDir(handle)), transport: net }, { server: url, code, handle, displayName: handle.toUpperCase() });
  return { client, net };
}
