/**
 * `npm run bench`: every benchmark, one after another, printed as tables. Figures go to
 * BENCHMARKS.md by hand, with the machine they were measured on. Pass names to run a subset:
 *   npm run bench -- mls relay
 * `abuse` floods the relay for ABUSE_SECONDS (default 60) per flood: about 8 minutes.
 */
import { runAbuseBench } from './abuse.bench.ts';
import { runAppLockBench } from './appLock.bench.ts';
import { runCallBench } from './call.bench.ts';
import { runCallTransportBench } from './callTransport.bench.ts';
import { runCommitPacingSuite } from './commitPacing.bench.ts';
import { runExposureBench } from './exposure.bench.ts';
import { runExposureBrowserBench } from './exposureBrowser.bench.ts';
import { runMlsCommits, runMlsThroughput } from './mls.bench.ts';
import { runRelayBench } from './relay.bench.ts';
import { runSchedulerSuite } from './scheduler.bench.ts';
import { runSeizedDiskBench } from './seizedDisk.bench.ts';
import { runSframeBench } from './sframe.bench.ts';
import { runTokenBench } from './tokens.bench.ts';
import { runWebStorageBench } from './webStorage.bench.ts';

const suites: Record<string, () => Promise<void>> = {
  relay: () => runRelayBench(),
  abuse: () => runAbuseBench(),
  tokens: () => runTokenBench(),
  mls: async () => {
    console.log('\nMLS application messages, encrypt + decrypt, one core');
    console.table(await runMlsThroughput());
    console.log('\nMLS commits (node:crypto provider)');
    console.table(await runMlsCommits());
  },
  sframe: async () => {
    console.log('\nSFrame per frame (160 B, AES_128_GCM_SHA256_128), Node');
    console.table(await runSframeBench());
  },
  call: () => runCallBench(),
  'call-transport': () => runCallTransportBench(),
  scheduler: () => runSchedulerSuite(),
  'commit-pacing': () => runCommitPacingSuite(),
  'seized-disk': () => runSeizedDiskBench(),
  'web-storage': () => runWebStorageBench(),
  'app-lock': () => runAppLockBench(),
  exposure: async () => {
    console.log('\nExposure report: parse + analyse');
    console.table([runExposureBench()]);
  },
  'exposure-browser': async () => {
    console.log('\nExposure report: the console (browser path) against the CLI, same file, median of 3');
    console.table(await runExposureBrowserBench());
  },
};

const wanted = process.argv.slice(2).filter((a) => a in suites);
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores, ${new Date().toISOString()}`);
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) await suites[name]!();
