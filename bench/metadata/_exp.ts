import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type ObserverEvent } from '@hardline/server';
import { HardlineClient, RelayApi } from '@hardline/client';
import { nodeCryptoProvider } from '@hardline/client/node';
import { deviceTransport, deviceAddress } from '/work/main/bench/metadata/deviceTransport.ts';
import { MemoryStateStore } from '/work/main/bench/metadata/memoryStateStore.ts';

const events: ObserverEvent[] = [];
const relay = await startRelay({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'mb-')), observer: (e) => events.push(e) });
const N = Number(process.env.N ?? 20);
let t0 = Date.now();
const clients: HardlineClient[] = [];
for (let i = 0; i < N; i++) {
  const tr = deviceTransport(deviceAddress(i));
  const { code } = await new RelayApi(new URL(relay.url), tr).adminInvite(relay.adminToken!);
  clients.push(await HardlineClient.register({ store: new MemoryStateStore(), transport: tr, cryptoProvider: nodeCryptoProvider }, { server: relay.url, code, handle: `u${i}` }));
}
console.log('register per client ms', (Date.now() - t0) / N);
t0 = Date.now();
const convs = [];
for (let i = 1; i < N; i++) { if (i % 8 === 0) await clients[0]!.sync(); convs.push(await clients[0]!.createConversation('direct', '', [`u${i}`])); }
console.log('create conv ms', (Date.now() - t0) / (N - 1));
t0 = Date.now();
for (let i = 1; i < N; i++) await clients[i]!.sync();
console.log('sync (welcome) ms', (Date.now() - t0) / (N - 1));
t0 = Date.now();
for (let k = 0; k < 5; k++) for (const c of convs) { await clients[0]!.queueText(c, 'hello there'); await clients[0]!.flushOutbox(); }
console.log('send ms', (Date.now() - t0) / (5 * convs.length));
t0 = Date.now();
for (let i = 1; i < N; i++) await clients[i]!.sync();
console.log('sync (5 msgs) ms', (Date.now() - t0) / (N - 1));
t0 = Date.now();
for (let i = 1; i < N; i++) await clients[i]!.sync();
console.log('sync (empty) ms', (Date.now() - t0) / (N - 1));
const kinds: Record<string, number> = {};
for (const e of events) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
console.log(kinds);
console.log(events.filter(e => e.kind === 'claim' || e.kind === 'auth').slice(0, 12));
await relay.close();
process.exit(0);
