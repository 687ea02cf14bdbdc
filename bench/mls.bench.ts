/**
 * MLS benchmark: application encrypt+decrypt throughput (200 B, 16 KiB) with ts-mls's default
 * provider and with our node:crypto provider, and commit cost at N members.
 * Run: node --import tsx bench/mls.bench.ts
 */
import { pathToFileURL } from 'node:url';
import {
  commitChanges,
  createConversationGroup,
  clientConfigWith,
  DEFAULT_SUITE,
  decodeKeyPackage,
  encryptApplication,
  joinFromWelcome,
  loadSuite,
  newKeyPackage,
  processIncoming,
  type DeviceId,
  type Handle,
} from '@hardline/protocol';
import { nodeCryptoProvider } from '@hardline/client/node';
import type { CryptoProvider } from 'ts-mls';

const acceptAll = clientConfigWith({ async validateCredential() { return true; } });
const dev = (n: number) => ({ handle: `u${n}` as Handle, deviceId: n.toString(16).padStart(32, '0') as DeviceId });

async function pair(provider?: CryptoProvider) {
  const impl = await loadSuite(DEFAULT_SUITE, provider);
  const ka = await impl.signature.keygen();
  const kb = await impl.signature.keygen();
  const a = await newKeyPackage(dev(1), ka, impl);
  const b = await newKeyPackage(dev(2), kb, impl);
  let sa = await createConversationGroup(new Uint8Array(16), a, impl, acceptAll);
  const add = await commitChanges(sa, { add: [decodeKeyPackage(b.bytes)] }, impl);
  sa = add.newState;
  const sb = await joinFromWelcome(add.welcome!, b, impl, acceptAll);
  return { impl, sa, sb };
}

export async function runMlsThroughput(seconds = 3) {
  const rows: { provider: string; size: string; 'msgs/s': number }[] = [];
  for (const [name, provider] of [['ts-mls default (WebCrypto)', undefined], ['node:crypto provider', nodeCryptoProvider]] as const) {
    for (const size of [200, 16 * 1024]) {
      let { impl, sa, sb } = await pair(provider);
      const payload = new Uint8Array(size).fill(7);
      let n = 0;
      const start = performance.now();
      while (performance.now() - start < seconds * 1000) {
        const m = await encryptApplication(sa, payload, impl);
        sa = m.newState;
        const r = await processIncoming(sb, m.message, impl);
        if (r.kind !== 'application') throw new Error('bench: not delivered');
        sb = r.newState;
        n++;
      }
      rows.push({ provider: name, size: size === 200 ? '200 B' : '16 KiB', 'msgs/s': Math.round(n / ((performance.now() - start) / 1000)) });
    }
  }
  return rows;
}

export async function runMlsCommits(sizes = [50, 200, 1000]) {
  const impl = await loadSuite(DEFAULT_SUITE, nodeCryptoProvider);
  const rows: { members: number; 'add all, 40 per commit (ms)': number; 'update commit create (ms)': number; 'process by member (ms)': number; 'commit bytes': number }[] = [];
  for (const n of sizes) {
    // A Welcome must fit one 64 KiB envelope, so large groups are built in chunks of 40 adds,
    // as a client would.
    const keys = await impl.signature.keygen();
    const creator = await newKeyPackage(dev(1), keys, impl);
    let s0 = await createConversationGroup(new Uint8Array(16).fill(n & 255), creator, impl, acceptAll);
    const kps = [];
    for (let i = 2; i <= n; i++) kps.push(await newKeyPackage(dev(i), await impl.signature.keygen(), impl));
    // A member who joined with the first chunk processes every later commit, as in real life:
    // the Welcome carries the ratchet tree, so later joiners' Welcomes grow with the group.
    let t = performance.now();
    let s1: Awaited<ReturnType<typeof joinFromWelcome>> | undefined;
    for (let i = 0; i < kps.length; i += 40) {
      const chunk = kps.slice(i, i + 40);
      const add = await commitChanges(s0, { add: chunk.map((k) => decodeKeyPackage(k.bytes)) }, impl);
      s0 = add.newState;
      if (!s1) s1 = await joinFromWelcome(add.welcome!, chunk[0]!, impl, acceptAll);
      else {
        const r = await processIncoming(s1, add.commit, impl);
        if (r.kind !== 'commit') throw new Error('bench: add not processed');
        s1 = r.newState;
      }
    }
    const addMs = performance.now() - t;
    t = performance.now();
    const upd = await commitChanges(s0, {}, impl);
    const createMs = performance.now() - t;
    t = performance.now();
    const r = await processIncoming(s1!, upd.commit, impl);
    const processMs = performance.now() - t;
    if (r.kind !== 'commit') throw new Error('bench: commit not processed');
    rows.push({ members: n, 'add all, 40 per commit (ms)': Math.round(addMs), 'update commit create (ms)': Math.round(createMs), 'process by member (ms)': Math.round(processMs), 'commit bytes': upd.commit.length });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log('MLS application messages, encrypt + decrypt, one core');
  console.table(await runMlsThroughput());
  console.log('MLS commits (node:crypto provider)');
  console.table(await runMlsCommits());
}
