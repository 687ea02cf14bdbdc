/**
 * What pacing the commit lock costs (issue 12), per privacy level (`npm run bench -- commit-pacing`):
 * how long a membership or settings change takes from the person's action until it returns,
 * and how much longer than at level off. At `balanced` and `strict` every lock request waits a
 * pause past the device's last session request, and the change waits one more before it returns
 * (membershipCommits.ts, claimPacing.ts `pause`). A real relay and real clients on loopback:
 * COMMIT_CHANGES (default 12) group renames per level, one at a time.
 */
import { HardlineClient, RelayApi } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startRelay } from '@hardline/server';
import { tempDir } from '../test/support/cliHarness.ts';
import { pct } from './scheduler.bench.ts';

const CHANGES = Number(process.env.COMMIT_CHANGES ?? 12);

export type CommitPacingRow = { level: string; 'change p50 ms': number; 'change p90 ms': number; 'change max ms': number; 'added p50 ms': number };

export async function runCommitPacingBench(): Promise<CommitPacingRow[]> {
  const relay = await startRelay({ port: 0, dataDir: tempDir('bench-commit') });
  const enrol = async (handle: string) => {
    const { code } = await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!);
    return HardlineClient.register(nodeClientOptions(tempDir(`bench-commit-${handle}`)), { server: relay.url, code, handle });
  };
  const alice = await enrol('alice');
  const bob = await enrol('bob');
  const rows: CommitPacingRow[] = [];
  let offMedian = 0;
  try {
    const group = await alice.groupCreate('bench', ['bob']);
    for (const level of ['off', 'balanced', 'strict'] as const) {
      await alice.setPrivacyLevel(level);
      const took: number[] = [];
      for (let i = 0; i < CHANGES; i++) {
        const t0 = performance.now();
        await alice.updateConversation(group.id, { name: `bench ${level} ${i}` });
        took.push(performance.now() - t0);
      }
      if (level === 'off') offMedian = pct(took, 50);
      rows.push({
        level,
        'change p50 ms': Math.round(pct(took, 50)),
        'change p90 ms': Math.round(pct(took, 90)),
        'change max ms': Math.round(Math.max(...took)),
        'added p50 ms': Math.round(pct(took, 50) - offMedian),
      });
    }
  } finally {
    alice.close();
    bob.close();
    await relay.close();
  }
  return rows;
}

export async function runCommitPacingSuite(): Promise<void> {
  console.log(`\nCommit-lock pacing per privacy level (${CHANGES} group renames each, one at a time)`);
  console.table(await runCommitPacingBench());
}
