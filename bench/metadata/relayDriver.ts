/**
 * @module relayDriver
 * Pushes the simulated traffic through a real relay (startRelay, SQLite, observer on) and the
 * real client engine, one HardlineClient per user, each on its own loopback address.
 *
 * Time: a discrete-event simulation. Actions run one at a time in schedule order, and each
 * observer event is stamped with simulated time = the action's scheduled time + the real wall
 * time elapsed since the action began. So idle hours cost nothing, while everything the relay
 * does inside an action (auth, post, push, ack) keeps its real millisecond spacing: compressing
 * time never blurs the timing an attacker correlates. Running one action at a time also tells
 * us, exactly, which device opened each connection: the stand-in for the source IP that a
 * network observer or the relay sees.
 *
 * Device behaviour is the client engine's own: `send` syncs the inbox, reconciles, encrypts and
 * posts on a fresh anonymous WebSocket; a poll is `sync()`. After each action the app goes to the
 * background: its posting socket and pooled HTTP connections close.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HardlineClient, RelayApi } from '@hardline/client';
import { nodeCryptoProvider } from '@hardline/client/node';
import { HardlineError } from '@hardline/protocol';
import { SQLITE_FILE_NAME, startRelay, type ObserverEvent } from '@hardline/server';
import { AppActionKinds, type AppAction, type CallRecord } from './appAction.ts';
import { runAppAction } from './appActionRunner.ts';
import { CLOSE_LINGER_MS, deviceAddress, deviceTransport, type DeviceTransport } from './deviceTransport.ts';
import { MemoryStateStore } from './memoryStateStore.ts';
import type { Population } from './population.ts';
import type { Random } from './random.ts';
import { ActionKinds, type DeviceAction, type Schedule } from './trafficSchedule.ts';

/** An observer event with the simulated time it happened at. */
export type TraceEvent = ObserverEvent & { readonly sim: number };

export type SeizedFiles = { readonly dir: string; readonly atSeconds: number };

export type RelayRun = {
  readonly trace: readonly TraceEvent[];
  /** Ground truth for "IP": which user's device opened each connection. */
  readonly connUser: ReadonlyMap<number, number>;
  /** The relay's device id of each user, for evaluation only. */
  readonly deviceIds: readonly string[];
  readonly seized: SeizedFiles;
  /** Connections opened by a held-open inbox's round (web app): only their push and ack are new. */
  readonly heldOpenConns: ReadonlySet<number>;
  /** When each call signal and TURN credential fetch ended (simulated), for the TURN model. */
  readonly callRecords: readonly CallRecord[];
  readonly stats: {
    readonly users: number;
    readonly actions: number;
    readonly sends: number;
    readonly failures: Readonly<Record<string, number>>;
    readonly setupMs: number;
    readonly runMs: number;
  };
};

const TEXT = 'The quick brown fox jumps over the lazy dog. ';

/** The web app's actions (webAppDevice.ts, callSchedule.ts) and who uses it. */
export type AppTraffic = { readonly actions: readonly AppAction[]; readonly isWebApp: readonly boolean[] };

export async function driveRelay(pop: Population, schedule: Schedule, rng: Random, app?: AppTraffic): Promise<RelayRun> {
  const trace: TraceEvent[] = [];
  const connUser = new Map<number, number>();
  const heldOpenConns = new Set<number>();
  const callRecords: CallRecord[] = [];
  const realIds = new Map<number, string>();
  let actorKind = '';
  // Stable merge: an action scheduled at the same time as a post runs after it.
  const actions: (DeviceAction | AppAction)[] = [...schedule.actions, ...(app?.actions ?? [])].sort((a, b) => a.t - b.t);
  let actionSim = -1;
  let actionWall = performance.now();
  let actor = -1;
  const clock = (): number => actionSim + (performance.now() - actionWall) / 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'hardline-metadata-'));
  const relay = await startRelay({
    port: 0,
    dataDir,
    // Credentials only: coturn itself is modelled (turnView.ts); the fetch is real, and authenticated.
    turn: { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: 'metadata-bench' },
    observer: (e) => {
      if (e.kind === 'connect') connUser.set(e.conn, actor);
      if (e.kind === 'connect' && actorKind === AppActionKinds.DELIVER) heldOpenConns.add(e.conn);
      trace.push({ ...e, sim: clock() });
    },
  });
  const failures: Record<string, number> = {};
  const fail = (e: unknown): void => {
    const code = e instanceof HardlineError ? e.code : e instanceof Error ? e.name : 'unknown';
    failures[code] = (failures[code] ?? 0) + 1;
  };

  try {
    const setupStart = performance.now();
    const transports: DeviceTransport[] = [];
    const clients: HardlineClient[] = [];
    for (let u = 0; u < pop.handles.length; u++) {
      actor = u;
      const transport = deviceTransport(deviceAddress(u));
      const { code } = await new RelayApi(new URL(relay.url), transport).adminInvite(relay.adminToken!);
      clients.push(await HardlineClient.register({ store: new MemoryStateStore(), transport, cryptoProvider: nodeCryptoProvider }, { server: relay.url, code, handle: pop.handles[u]! }));
      transport.endSession();
      transports.push(transport);
    }
    const setupMs = performance.now() - setupStart;

    const seizeAt = Math.floor(actions.length * (0.3 + 0.6 * rng.next()));
    let seized: SeizedFiles | undefined;
    const groupsMade = new Set<string>();
    const groupMembers = new Map(pop.groups.map((g) => [g.name, g.members] as const));
    const runStart = performance.now();
    let lastEnd = 0;
    let sends = 0;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i]!;
      if (i === seizeAt) seized = seizeFiles(dataDir, lastEnd);
      actor = a.user;
      actorKind = a.kind;
      actionSim = Math.max(a.t, lastEnd);
      actionWall = performance.now();
      const client = clients[a.user]!;
      try {
        if (a.kind === ActionKinds.POLL) {
          await client.sync();
        } else if (a.kind !== ActionKinds.SEND) {
          const call = await runAppAction(a, client, pop, realIds);
          if (call) callRecords.push({ ...call, user: a.user, sim: clock() });
        } else {
          sends++;
          const m = a.message;
          const text = TEXT.repeat(1 + rng.int(4)).slice(0, 20 + rng.int(200));
          if (m.group !== undefined) {
            if (!groupsMade.has(m.group)) {
              groupsMade.add(m.group);
              await client.groupCreate(m.group, groupMembers.get(m.group)!.filter((u) => u !== a.user).map((u) => pop.handles[u]!));
            }
          }
          // The web app sends without syncing first (its inbox is already open): session.ts.
          const opts = app?.isWebApp[a.user] ? { sync: false } : {};
          realIds.set(m.id, (await client.send(m.group ?? pop.handles[m.to[0]!]!, text, opts)).id);
        }
      } catch (e) {
        fail(e);
      }
      client.close();
      transports[a.user]!.endSession();
      await new Promise((r) => setTimeout(r, CLOSE_LINGER_MS + 1));
      lastEnd = clock();
    }
    // Let the last disconnects land before the relay goes.
    await new Promise((r) => setTimeout(r, 100));
    return {
      trace,
      connUser,
      deviceIds: clients.map((c) => c.deviceId),
      seized: seized ?? seizeFiles(dataDir, lastEnd),
      heldOpenConns,
      callRecords,
      stats: { users: pop.handles.length, actions: actions.length, sends, failures, setupMs, runMs: performance.now() - runStart },
    };
  } finally {
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * What a seizure takes: the database file with its write-ahead log, copied between two actions
 * (the relay is idle then, as it mostly is), not a clean export.
 */
function seizeFiles(dataDir: string, atSeconds: number): SeizedFiles {
  const dir = mkdtempSync(join(tmpdir(), 'hardline-seized-'));
  for (const suffix of ['', '-wal', '-shm']) {
    const from = join(dataDir, SQLITE_FILE_NAME + suffix);
    if (existsSync(from)) copyFileSync(from, join(dir, SQLITE_FILE_NAME + suffix));
  }
  return { dir, atSeconds };
}
