/**
 * @module commands/device
 * `hardline device link|join|list|revoke|name`.
 */
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { HardlineError } from '@hardline/protocol';
import { parse, requireString } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';
import { reportDeviceLabel, reportDeviceLabelAfterEnrolment } from '../deviceLabel.ts';

const USAGE = 'usage: hardline device link | device join CODE --server URL [--device-name NAME] | device list [--json] | device revoke DEVICE_ID | device name NAME';

export async function deviceCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'link') {
    const code = await withClient(home, (c) => c.createLinkCode());
    io.out('enter this code on the new device with `hardline device join CODE --server URL` (one use, expires in a day), then run `hardline read` here: this device certifies the new one:');
    io.out(code);
    return 0;
  }
  if (sub === 'join') {
    const { values, positionals } = parse(rest, { server: { type: 'string' }, name: { type: 'string' }, handle: { type: 'string' }, 'device-name': { type: 'string' } });
    const code = positionals[0];
    if (!code) throw new HardlineError('USAGE', USAGE);
    // A link code is bound to its user at the relay; the handle only has to be syntactically valid.
    const client = await HardlineClient.register(nodeClientOptions(home.dir, home.passphrase), {
      server: requireString(values.server, '--server'),
      code,
      handle: values.handle ?? 'linked-device',
      displayName: values.name,
    });
    await reportDeviceLabelAfterEnrolment(client, values['device-name'], io);
    io.out(`joined as ${client.handle} (device ${client.deviceId}); once the device that made the code certifies it (its next \`hardline read\`), run \`hardline read\` here, and your conversations add this device`);
    client.close();
    return 0;
  }
  if (sub === 'list') {
    const { values } = parse(rest, { json: { type: 'boolean', default: false } });
    const list = await withClient(home, (c) => c.devices());
    for (const d of list) {
      io.out(values.json ? JSON.stringify(d) : `${d.deviceId}${d.current ? '  (this device)' : ''}${d.revoked ? '  revoked' : ''}`);
    }
    return 0;
  }
  if (sub === 'revoke') {
    const id = rest[0];
    if (!id) throw new HardlineError('USAGE', USAGE);
    await withClient(home, (c) => c.revokeDevice(id));
    io.out(`revoked ${id}; it was removed from every conversation`);
    return 0;
  }
  if (sub === 'name') {
    // What the security team's device list shows for this device; the relay alone keeps it.
    const name = rest.join(' ').trim();
    if (!name) throw new HardlineError('USAGE', USAGE);
    const label = await withClient(home, (c) => reportDeviceLabel(c, name));
    io.out(`this device is now "${label.name}" (${label.platform}) in the security team's device list`);
    return 0;
  }
  throw new HardlineError('USAGE', USAGE);
}
