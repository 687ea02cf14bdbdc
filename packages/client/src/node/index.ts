/**
 * @module @hardline/client/node
 * Node adapters: encrypted file state, node:crypto provider, fetch + ws transport.
 */
import { HardlineClient, type ClientOptions } from '../hardlineClient.ts';
import { FileStateStore } from './fileStateStore.ts';
import { nodeCryptoProvider } from './nodeCryptoProvider.ts';
import { nodeTransport } from './nodeTransport.ts';

export { FileStateStore, nodeCryptoProvider, nodeTransport };

export function nodeClientOptions(home: string, passphrase?: string): ClientOptions {
  // $HARDLINE_INGRESS: an ingress hop for this run, over the one stored at registration.
  const ingress = process.env.HARDLINE_INGRESS;
  return { store: new FileStateStore(home, passphrase), transport: nodeTransport, cryptoProvider: nodeCryptoProvider, ...(ingress ? { ingress } : {}) };
}

export function openNodeClient(home: string, passphrase?: string): Promise<HardlineClient> {
  return HardlineClient.open(nodeClientOptions(home, passphrase));
}
