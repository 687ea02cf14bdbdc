/**
 * @module test/support/clients
 * In-process clients (the real engine with encrypted file state) enrolled through the relay's
 * admin API, for tests that need more messages than spawning the CLI per message allows.
 */
import { HardlineClient, RelayApi, type ClientOptions } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { tempDir } from './cliHarness.ts';

export type EnrolOptions = {
  /** Where the device keeps its state; a test that later runs the CLI on it must know it. */
  readonly home?: string;
  /** Over the node defaults: a transport the attacker stands in, shorter timers. */
  readonly client?: Partial<ClientOptions>;
  /** Default: the handle in capitals. */
  readonly displayName?: string;
};

/** A fresh invite code, minted with the relay's admin token. */
export async function adminInvite(url: string, adminToken: string): Promise<string> {
  return (await new RelayApi(new URL(url), nodeTransport).adminInvite(adminToken)).code;
}

export async function enrol(url: string, adminToken: string, handle: string, { home = tempDir(handle), client = {}, displayName = handle.toUpperCase() }: EnrolOptions = {}): Promise<HardlineClient> {
  const code = await adminInvite(url, adminToken);
  return HardlineClient.register({ ...nodeClientOptions(home), ...client }, { server: url, code, handle, displayName });
}

/**
 * Links a new device and completes the handshake: the existing device answers on its next sync
 * (it certifies the new one), then the new device collects its certificate and identity key.
 */
export async function linkDevice(existing: HardlineClient, { home = tempDir(`${existing.handle}-2`), client = {} }: Omit<EnrolOptions, 'displayName'> = {}): Promise<HardlineClient> {
  const code = await existing.createLinkCode();
  const added = await HardlineClient.register({ ...nodeClientOptions(home), ...client }, { server: existing.server, code, handle: existing.handle });
  await existing.sync();
  await added.sync();
  return added;
}

export async function readTexts(c: HardlineClient, waitMs = 0): Promise<string[]> {
  await c.sync({ waitMs });
  return (await c.takeUnshown()).map((m) => m.text);
}
