/**
 * @module commands/register
 * `hardline register`: enrols this home as a new user's first device.
 */
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { parse, requireString } from '../args.ts';
import type { Io } from '../output.ts';
import type { Home } from '../home.ts';
import { reportDeviceLabelAfterEnrolment } from '../deviceLabel.ts';

export async function registerCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const { values } = parse(argv, { server: { type: 'string' }, code: { type: 'string' }, handle: { type: 'string' }, name: { type: 'string' }, ingress: { type: 'string' }, 'device-name': { type: 'string' } });
  const client = await HardlineClient.register(nodeClientOptions(home.dir, home.passphrase), {
    server: requireString(values.server, '--server'),
    code: requireString(values.code, '--code'),
    handle: requireString(values.handle, '--handle'),
    displayName: values.name,
    // Kept in the device's state: every later post, claim and blob call goes through the hop.
    ...(values.ingress ? { ingress: values.ingress } : {}),
  });
  await reportDeviceLabelAfterEnrolment(client, values['device-name'], io);
  io.out(`registered ${client.handle} (device ${client.deviceId}) at ${client.server}`);
  client.close();
  return 0;
}
