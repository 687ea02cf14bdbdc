/**
 * @module org/linkPolicy
 * The part of the capability policy the relay can enforce itself, because it makes the codes:
 * linking a new device (forbidden, or only with approval) and the maximum number of devices.
 * It holds against a modified client that skips its own check. The relay reads the policy from
 * its own store; a relay lying to itself only weakens its own half, never the clients' half.
 */
import { capabilitiesFor, parseOrder, parsePolicy, PolicyForbidsError, type Capabilities, type OrgPolicy } from '@hardline/protocol';
import type { RelayContext } from '../relayContext.ts';
import type { DeviceRecord } from '../store/relayStore.ts';

export async function currentPolicy(ctx: RelayContext): Promise<OrgPolicy | undefined> {
  const o = await ctx.store.org.latest('policy');
  return o ? parsePolicy(parseOrder(o).body) : undefined;
}

export async function capabilitiesOf(ctx: RelayContext, handle: string): Promise<Capabilities> {
  return capabilitiesFor(await currentPolicy(ctx), handle);
}

/** Throws POLICY_FORBIDS when `device`'s user may not get a link code now. */
export async function requireLinkAllowed(ctx: RelayContext, device: DeviceRecord): Promise<void> {
  const caps = await capabilitiesOf(ctx, device.handle);
  if (caps.linking === 'forbidden') throw new PolicyForbidsError('linking', 'linking new devices is not allowed for you');
  const user = (await ctx.store.listDirectory()).find((u) => u.userId === device.userId);
  const live = user?.devices.filter((d) => !d.revoked).length ?? 0;
  if (live >= caps.maxDevices) throw new PolicyForbidsError('maxDevices', `you already have ${live} devices, the most allowed is ${caps.maxDevices}`);
  // Unused link codes count too: otherwise a modified client makes several codes at once and
  // enrols past the maximum.
  const pending = await ctx.store.org.pendingLinkCodes(device.userId, ctx.now());
  if (live + pending >= caps.maxDevices) throw new PolicyForbidsError('maxDevices', `you have ${live} devices and ${pending} unused link code(s); the most allowed is ${caps.maxDevices} devices (an unused code lapses in a day)`);
  // Last, so a code refused for another reason does not use up the approval.
  if (caps.linking === 'approval' && !(await ctx.store.org.useLinkApproval(device.handle, ctx.now()))) {
    throw new PolicyForbidsError('linking', 'linking a new device needs the security team\'s approval (`hardline admin approve-link`)');
  }
}
