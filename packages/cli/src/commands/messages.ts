/**
 * @module commands/messages
 * `hardline send` and `hardline read`.
 */
import type { ReceivedMessage } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { parse } from '../args.ts';
import { withClient, type Home } from '../home.ts';
import type { Io } from '../output.ts';

export async function sendCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const { positionals, values } = parse(argv, { now: { type: 'boolean', default: false } });
  const [to, text] = positionals;
  if (!to || text === undefined || positionals.length > 2) throw new HardlineError('USAGE', 'usage: hardline send TO "text" [--now]');
  await withClient(home, async (c) => {
    const before = c.pendingOutbox();
    try {
      // At a privacy level other than off this waits for the send scheduler's slots (seconds),
      // so that the posts do not follow this command's sync; --now posts at once, which is weaker.
      await c.send(to, text, { now: values.now });
    } catch (e) {
      const queued = c.pendingOutbox();
      // Held (client ingressRoute.ts): nothing leaves, so the outbox grew if and only if this message is in it.
      if (e instanceof HardlineError && e.code === 'AWAITING_INVITE') throw heldLine(e, queued > before ? queued : 0);
      if (queued > 0 && e instanceof HardlineError) {
        throw new HardlineError(e.code, `${e.message}; the message is queued (${queued} envelope(s)) and will be sent by the next send or read`);
      }
      throw e;
    }
  });
  return 0;
}

function heldLine(e: HardlineError, queued: number): HardlineError {
  const until = "this device makes no anonymous call until the relay shows the organisation's signed orders up to your invite (or as far as the device that linked this one had seen them)";
  const tell = 'if this lasts, tell your security team (the relay may be withholding them)';
  return new HardlineError(
    e.code,
    queued > 0
      ? `the message is queued on this device (${queued} envelope(s)): ${until}, and the next send or read after that sends it; ${tell}`
      : `nothing was sent or queued: ${until}, and this message needs one first; send it again once it does; ${tell}`,
  );
}

export async function readCommand(argv: string[], io: Io, home: Home): Promise<number> {
  const { values } = parse(argv, { wait: { type: 'string' }, json: { type: 'boolean', default: false } });
  const waitSeconds = values.wait === undefined ? 0 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new HardlineError('USAGE', `invalid --wait ${values.wait}`);
  const print = (m: ReceivedMessage) =>
    io.out(values.json ? JSON.stringify(m) : `[${m.sentAt.slice(0, 19).replace('T', ' ')}] ${m.conversation} <${m.from}> ${m.text}`);
  await withClient(home, async (c) => {
    // Anything received by an earlier send/sync but not yet shown comes first.
    for (const m of await c.takeUnshown()) print(m);
    await c.sync({ waitMs: waitSeconds * 1000 });
    // With the send scheduler on, what waits goes at its slots: this short-lived process waits for them.
    if (c.pendingOutbox() > 0) await c.flushOutbox().catch(() => undefined);
    for (const c2 of c.conversations()) await c.reconcile(c2).catch(() => undefined);
    for (const m of await c.takeUnshown()) print(m);
    // What the relay offered that this device refused: a device nobody certified, a new identity key.
    for (const d of c.unverifiableDevices()) {
      const warning = { warning: 'unverifiable-device', handle: d.handle, deviceId: d.deviceId, reason: d.reason };
      if (values.json) io.out(JSON.stringify(warning));
      else if (d.reason === 'not-in-log') io.err(`warning: a device (${d.deviceId}) listed under ${d.handle} has a key the relay cannot prove is in its transparency log; it gets no messages`);
      else io.err(`warning: a device (${d.deviceId}) listed under ${d.handle} is not certified by ${d.handle}'s identity key; it gets no messages`);
    }
    // The relay marks a device revoked that nobody signed off: it may be refusing it service.
    for (const d of c.unsignedRevocations()) {
      if (values.json) io.out(JSON.stringify({ warning: 'unsigned-revocation', handle: d.handle, deviceId: d.deviceId }));
      else io.err(`warning: the relay says ${d.handle}'s device ${d.deviceId} is revoked, but neither ${d.handle} nor your security team signed that; it still gets messages, and the relay may be refusing it service`);
    }
    // Two tree heads the relay signed that are not one history (keyTransparency.ts).
    const split = c.splitView();
    if (split) {
      const reason = split.reason ?? 'forked-log';
      const keys = split.theirLogKey ? { ourLogKey: split.ourLogKey, theirLogKey: split.theirLogKey } : {};
      const warning = { warning: 'split-view', code: split.code, reason, via: split.via, ...(split.from ? { from: split.from } : {}), detectedAt: split.detectedAt, ours: split.ours, theirs: split.theirs, ...keys };
      const what = reason === 'different-log-key' ? 'a separate key log from the first contact' : 'a forked key log';
      if (values.json) io.out(JSON.stringify(warning));
      else io.err(`warning: the relay is showing people different keys (split view: ${what}${split.from ? `, seen in a message from ${split.from}` : ''}); tell your security team, and compare safety numbers in person before trusting any key`);
    }
    // A key or certificate under one's own name that one's identity key did not make (logMonitor.ts).
    for (const f of c.foreignLogEntries()) {
      if (values.json) io.out(JSON.stringify({ warning: 'own-name-logged', what: f.what, index: f.index, ...(f.deviceId ? { deviceId: f.deviceId } : {}) }));
      else io.err(`warning: the relay's key log holds a${f.what === 'identity-key' ? 'n identity key' : ` ${f.what}`} under your name that your identity key did not make (entry ${f.index}); your contacts may be shown it: tell your security team`);
    }
    for (const u of c.directory()) {
      if (!c.identityOf(u.handle)?.changedTo) continue;
      if (values.json) io.out(JSON.stringify({ warning: 'identity-changed', handle: u.handle }));
      else io.err(`warning: ${u.handle}'s identity key changed; sending to them is held until you run: hardline verify ${u.handle} --accept-new-key`);
    }
  });
  return 0;
}
