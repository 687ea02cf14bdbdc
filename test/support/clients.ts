/**
 * @module test/support/clients
 * In-process clients (the real engine with encrypted file state) enrolled through the relay's
 * admin API, for tests that need more messages than spawning the CLI per message allows.
 */
import { HardlineClient, RelayApi } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { tempDir } from './cliHarness.ts';

export async function enrol(url: string, adminToken: string, handle: string): Promise<HardlineClient> {
  const { code } = await new RelayApi(new URL(url), nodeTransport).adminInvite(adminToken);
  return HardlineClient.register(nodeClientOptions(tempDir(handle)), { server: url, code, handle, displayName: handle.toUpperCase() });
}

/**
 * Links a new device and completes the handshake: the existing device answers on its next sync
 * (it certifies the new one), then the new device collects its certificate and identity key.
 */
export async function linkDevice(existing: HardlineClient, home = tempDir(`${existing.handle}-2`)): Promise<HardlineClient> {
  const code = await existing.createLinkCode();
  const added = await HardlineClient.register(nodeClientOptions(home), { server: existing.server, code, handle: existing.handle });
  await existing.sync();
  await added.sync();
  return added;
}

export async function readTexts(c: HardlineClient, waitMs = 0): Promise<string[]> {
  await c.sync({ waitMs });
  return (await c.takeUnshown()).map((m) => m.text);
}
