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
  return { store: new FileStateStore(home, passphrase), transport: nodeTransport, cryptoProvider: nodeCryptoProvider };
}

export function openNodeClient(home: string, passphrase?: string): Promise<HardlineClient> {
  return HardlineClient.open(nodeClientOptions(home, passphrase));
}
