/**
 * @module test/support/removedDevice
 * A device removed from a conversation (revoked, or its person removed from a group) whose
 * client is modified: it kept its rosters from before the removal, so it knows every other
 * device's mailbox and send capability there, and posts into them anonymously, as the relay's
 * posting path allows anyone holding a send capability. Reports what the relay said to each.
 */
import { randomBytes } from 'node:crypto';
import type { Conversation } from '@hardline/client';
import { encodePostFrame, type DeviceId, type EnvelopeId, type MailboxId, type RosterDevice } from '@hardline/protocol';

/** A deep copy of what the device knew: each conversation's roster as it was. */
export function rememberRosters(conversations: readonly Conversation[]): RosterDevice[][] {
  return conversations.filter((c) => !c.left).map((c) => JSON.parse(JSON.stringify(c.roster.devices)) as RosterDevice[]);
}

/** Posts one sealed-looking envelope (1 KiB bucket) into every other device's known mailbox. */
export async function postWithKnownCaps(url: string, rosters: readonly RosterDevice[][], self: DeviceId): Promise<{ mailboxId: MailboxId; status: number; code?: string }[]> {
  const out: { mailboxId: MailboxId; status: number; code?: string }[] = [];
  for (const d of rosters.flat()) {
    if (d.deviceId === self) continue;
    const envelope = { mailboxId: d.mailboxId, envelopeId: randomBytes(16).toString('hex') as EnvelopeId, payload: randomBytes(1024) };
    const frame = encodePostFrame(Buffer.from(d.sendCap, 'hex'), envelope);
    const res = await fetch(`${url}/v1/post`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(frame) });
    const body = (await res.json()) as { error?: { code?: string } };
    out.push({ mailboxId: d.mailboxId, status: res.status, ...(body.error?.code ? { code: body.error.code } : {}) });
  }
  return out;
}
