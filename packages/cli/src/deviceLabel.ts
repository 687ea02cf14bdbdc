/**
 * @module deviceLabel
 * The name and platform a CLI device reports for the security team's device list
 * (`PUT /v1/devices/:id/label`, docs/protocol.md §7 risk 11). The platform is "CLI on <os>";
 * the name is what `--device-name` gives, else the platform, so nothing the user did not choose
 * (the host name, say) reaches the relay.
 */
import { type as osType } from 'node:os';
import type { HardlineClient } from '@hardline/client';
import type { Io } from './output.ts';

const OS_NAMES: Record<string, string> = { Linux: 'Linux', Darwin: 'macOS', Windows_NT: 'Windows', FreeBSD: 'FreeBSD', OpenBSD: 'OpenBSD' };

export function cliPlatform(): string {
  return `CLI on ${OS_NAMES[osType()] ?? osType()}`;
}

export async function reportDeviceLabel(client: HardlineClient, name: string | undefined): Promise<{ name: string; platform: string }> {
  const platform = cliPlatform();
  const label = { name: name?.trim() || platform, platform };
  await client.relay().request('PUT', `/v1/devices/${client.deviceId}/label`, label, 'session');
  return label;
}

/** After enrolment: a refused or failed label must not undo the enrolment, only say how to retry. */
export async function reportDeviceLabelAfterEnrolment(client: HardlineClient, name: string | undefined, io: Io): Promise<void> {
  try {
    await reportDeviceLabel(client, name);
  } catch (e) {
    io.err(`enrolled, but the device name was not sent (${e instanceof Error ? e.message : String(e)}); retry with \`hardline device name NAME\``);
  }
}
