/**
 * @module bench/relayServerProcess
 * The relay as a child process for bench/relay.bench.ts, so that its CPU time and memory can
 * be read from /proc apart from the load generator. Usage:
 *   node --import tsx bench/relayServerProcess.ts DATA_DIR [MAILBOXES_JSON]
 * MAILBOXES_JSON lists { id, readCapHash, sendCapHash } (hex) created directly in the store,
 * the benchmark-only shortcut for mailboxes that would otherwise come from claimed KeyPackages.
 * Prints one JSON line { url, adminToken, pid } once it is serving.
 */
import { readFileSync } from 'node:fs';
import type { MailboxId } from '../packages/protocol/src/index.ts';
import { startRelay } from '../packages/server/src/index.ts';

const [dataDir, mailboxesPath] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: relayServerProcess.ts DATA_DIR [MAILBOXES_JSON]');
// Limits the benchmark sets (JSON in $HARDLINE_BENCH_LIMITS); the relay's defaults otherwise.
const limits = process.env.HARDLINE_BENCH_LIMITS ? (JSON.parse(process.env.HARDLINE_BENCH_LIMITS) as Record<string, number>) : {};
// The ring measures commits, not push rounds: with rounds on (the default, `balanced`), each
// inbox gets cover envelopes and its envelopes a round late, and the ring's window stalls.
const pushRounds = process.env.HARDLINE_BENCH_PUSH_ROUNDS === 'off' ? { pushRounds: { level: 'off' as const } } : {};
const relay = await startRelay({ dataDir, port: 0, limits, ...pushRounds });
if (mailboxesPath) {
  const list = JSON.parse(readFileSync(mailboxesPath, 'utf8')) as { id: string; readCapHash: string; sendCapHash: string }[];
  await Promise.all(
    list.map((m) =>
      relay.store.createMailbox({ id: m.id as MailboxId, readCapHash: Buffer.from(m.readCapHash, 'hex'), sendCapHash: Buffer.from(m.sendCapHash, 'hex') }),
    ),
  );
}
process.stdout.write(`${JSON.stringify({ url: relay.url, adminToken: relay.adminToken, pid: process.pid })}\n`);
const stop = (): void => {
  relay.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
