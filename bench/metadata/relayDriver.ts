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
 *
 * Privacy levels: at `balanced` and `strict` every device's send scheduler runs on the simulated
 * clock (simulatedScheduler.ts): the agenda (actionQueue.ts) gains its slots as the run goes,
 * each slot a real post of the oldest queued envelope (slotPosts.ts) followed by the push to a
 * reader whose tab is open, or a modelled cover post (coverTrace.ts).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HardlineClient, RelayApi, SLOT_PARAMS, type PrivacyLevel } from '@hardline/client';
import { nodeCryptoProvider } from '@hardline/client/node';
import { HardlineError } from '@hardline/protocol';
import { SQLITE_FILE_NAME, startRelay, type ObserverEvent } from '@hardline/server';
import { ActionQueue } from './actionQueue.ts';
import { AppActionKinds, type AppAction, type CallRecord } from './appAction.ts';
import { runAppAction } from './appActionRunner.ts';
import { BucketSizes, coverTrace } from './coverTrace.ts';
import { CLOSE_LINGER_MS, deviceAddress, deviceTransport, type DeviceTransport } from './deviceTransport.ts';
import { MemoryStateStore } from './memoryStateStore.ts';
import type { Population } from './population.ts';
import type { Random } from './random.ts';
import { SimulatedScheduler, SLOT, TAB_OPEN, type SlotAction, type TabOpenAction } from './simulatedScheduler.ts';
import { coverMailbox, deviceState, leftForSlot, PostDelays, postOldest } from './slotPosts.ts';
import { POOL, PoolRefills, type PoolAction } from './poolRefills.ts';
import { sendText, type TextSender } from './textSend.ts';
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
  /** The send scheduler's level, its cover envelopes per device and each text's queued → posted delay (s). */
  readonly slots: { readonly level: PrivacyLevel; readonly coverPerDevice: ReadonlyMap<number, number>; readonly postDelays: readonly number[]; readonly deferred: number };
  readonly stats: {
    readonly users: number;
    readonly actions: number;
    readonly sends: number;
    readonly failures: Readonly<Record<string, number>>;
    readonly setupMs: number;
    readonly runMs: number;
  };
};

/** The web app's actions (webAppDevice.ts, callSchedule.ts), who uses it and when each tab is open. */
export type AppTraffic = { readonly actions: readonly AppAction[]; readonly isWebApp: readonly boolean[]; readonly open: readonly (readonly (readonly [number, number])[])[] };

/** The level every device runs at, and the stream its simulated slots draw from. */
export type SlotSetting = { readonly level: PrivacyLevel; readonly rng: Random };

type Action = DeviceAction | AppAction | SlotAction | TabOpenAction | PoolAction;

export async function driveRelay(pop: Population, schedule: Schedule, rng: Random, app?: AppTraffic, slots: SlotSetting = { level: 'off', rng }): Promise<RelayRun> {
  const trace: TraceEvent[] = [];
  const connUser = new Map<number, number>();
  const heldOpenConns = new Set<number>();
  const callRecords: CallRecord[] = [];
  const realIds = new Map<number, string>();
  const readerOf = new Map<string, number>();
  const sizes = new BucketSizes();
  const scheduled = slots.level !== 'off';
  const isOpen = (u: number, t: number): boolean => !!app?.isWebApp[u] && app.open[u]!.some(([a, b]) => t >= a && t < b);
  let actorKind = '';
  // With the scheduler on, a text's push follows its slot's post (added as the run goes), not its send.
  const appActions = (app?.actions ?? []).filter((a) => !(scheduled && a.kind === AppActionKinds.DELIVER && a.ofSlotted));
  const tabOpens: TabOpenAction[] = scheduled && app ? app.open.flatMap((list, user) => list.map(([t]) => ({ t, user, kind: TAB_OPEN }))) : [];
  // Stable merge: an action scheduled at the same time as a post runs after it.
  const planned: Action[] = [...schedule.actions, ...appActions, ...tabOpens].sort((a, b) => a.t - b.t);
  const queue = new ActionQueue<Action>(planned);
  const sched = new SimulatedScheduler(SLOT_PARAMS[slots.level], slots.rng, (a) => queue.add(a), isOpen);
  const pools = new PoolRefills(SLOT_PARAMS[slots.level], slots.rng, (a) => queue.add(a));
  const delays = new PostDelays();
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
    // Push rounds run on real time, which means nothing here: pushRoundsModel.ts applies them on the simulated clock.
    pushRounds: { level: 'off' },
    observer: (e) => {
      if (e.kind === 'connect') connUser.set(e.conn, actor);
      if (e.kind === 'connect' && actorKind === AppActionKinds.DELIVER) heldOpenConns.add(e.conn);
      if (e.kind === 'subscribe' && e.mailboxId) readerOf.set(e.mailboxId, connUser.get(e.conn) ?? -1);
      sizes.note(e);
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
    const stores: MemoryStateStore[] = [];
    for (let u = 0; u < pop.handles.length; u++) {
      actor = u;
      const transport = deviceTransport(deviceAddress(u));
      const store = new MemoryStateStore();
      const { code } = await new RelayApi(new URL(relay.url), transport).adminInvite(relay.adminToken!);
      // Paced claims (claimPacing.ts) wait on the simulated clock: the action's time moves on.
      const claimSleep = async (ms: number): Promise<void> => void (actionSim += ms / 1000);
      const client = await HardlineClient.register({ store, transport, cryptoProvider: nodeCryptoProvider, privacy: slots.level, claimSleep }, { server: relay.url, code, handle: pop.handles[u]! });
      // The scheduler runs on the simulated clock (simulatedScheduler.ts), never on the real one.
      if (scheduled) client.close();
      transport.endSession();
      clients.push(client);
      transports.push(transport);
      stores.push(store);
    }
    // Pools start full (poolRefills.ts), claimed at negative simulated time, which no view reads.
    actionSim = -3600;
    actionWall = performance.now();
    for (let u = 0; u < clients.length && scheduled; u++) {
      actor = u;
      // A claim the loaded machine drops (socket hang-up) is tried again, as the client's timer would.
      for (let tries = 0; tries < 10 && clients[u]!.mailboxPool.low; tries++) await clients[u]!.mailboxPool.refillOne().catch(fail);
      transports[u]!.endSession();
    }
    const setupMs = performance.now() - setupStart;

    const seizeIndex = Math.floor(planned.length * (0.3 + 0.6 * rng.next()));
    const seizeAt = planned[Math.min(seizeIndex, planned.length - 1)]!.t;
    let seized: SeizedFiles | undefined;
    const texts: TextSender = { pop, rng, groupsMade: new Set(), slotted: (client, run) => (scheduled ? leftForSlot(client, run) : run()) };
    const runStart = performance.now();
    let lastEnd = 0;
    let sends = 0;
    let actions = 0;
    for (let a = queue.take(); a !== undefined; a = queue.take()) {
      if (a.kind === TAB_OPEN) {
        sched.tabOpened(a.user, a.t);
        continue;
      }
      const client = clients[a.user]!;
      if (a.kind === POOL) {
        if (!pools.due(a)) continue;
        actor = a.user;
        actorKind = a.kind;
        actionSim = Math.max(a.t, lastEnd);
        actionWall = performance.now();
        await client.mailboxPool.refillOne().catch(fail);
        transports[a.user]!.endSession();
        await new Promise((r) => setTimeout(r, CLOSE_LINGER_MS + 1));
        lastEnd = clock();
        pools.afterRefill(a.user, lastEnd, client.mailboxPool.low);
        continue;
      }
      const decision = a.kind === SLOT ? sched.due(a, client.pendingOutbox()) : undefined;
      if (a.kind === SLOT && (decision === undefined || decision === 'none')) continue;
      if (!seized && a.t >= seizeAt) seized = seizeFiles(dataDir, lastEnd);
      if (decision !== 'cover') actions++;
      actor = a.user;
      actorKind = a.kind;
      actionSim = Math.max(a.t, lastEnd);
      actionWall = performance.now();
      if (decision === 'cover') {
        const mailbox = coverMailbox(client, slots.rng);
        const cover = mailbox === undefined ? undefined : coverTrace(actionSim, mailbox, sizes, isOpen(a.user, actionSim));
        for (const e of cover?.events ?? []) {
          connUser.set(e.conn, a.user);
          trace.push(e);
        }
        if (cover?.inboxConn !== undefined) heldOpenConns.add(cover.inboxConn);
        sched.afterSlot(a.user, actionSim, 0, 'cover', cover?.ackAt);
        continue;
      }
      const state = scheduled ? await deviceState(stores[a.user]!) : undefined;
      const before = new Set(state?.outbox ?? []);
      try {
        if (decision === 'post') {
          const env = await postOldest(stores[a.user]!, relay.url, transports[a.user]!);
          const reader = readerOf.get(env.mailboxId);
          if (reader !== undefined && reader !== a.user && isOpen(reader, clock())) queue.add({ t: clock() + 0.001, user: reader, kind: AppActionKinds.DELIVER });
        } else if (a.kind === ActionKinds.POLL) {
          await client.sync();
        } else if (a.kind !== ActionKinds.SEND && a.kind !== SLOT) {
          // With the scheduler on, a flush that queued for a slot is no failure.
          const call = await texts.slotted(client, () => runAppAction(a, client, pop, realIds));
          if (call) callRecords.push({ ...call, user: a.user, sim: clock() });
        } else if (a.kind === ActionKinds.SEND) {
          sends++;
          const id = await sendText(texts, client, a.message, !!app?.isWebApp[a.user]);
          if (id) realIds.set(a.message.id, id);
          if (state) delays.queued(a.user, state, before, a.message.id, clock());
        }
      } catch (e) {
        fail(e);
      }
      if (a.kind !== SLOT) client.close();
      transports[a.user]!.endSession();
      await new Promise((r) => setTimeout(r, CLOSE_LINGER_MS + 1));
      lastEnd = clock();
      if (decision !== 'post') pools.afterSession(a.user, lastEnd, client.mailboxPool.low);
      if (!state) continue;
      delays.settle(a.user, state, lastEnd);
      if (decision === 'post') sched.afterSlot(a.user, lastEnd, client.pendingOutbox(), 'post');
      else sched.afterSession(a.user, lastEnd, client.pendingOutbox());
    }
    // Let the last disconnects land before the relay goes.
    await new Promise((r) => setTimeout(r, 100));
    trace.sort((x, y) => x.sim - y.sim);
    return {
      trace,
      connUser,
      deviceIds: clients.map((c) => c.deviceId),
      seized: seized ?? seizeFiles(dataDir, lastEnd),
      heldOpenConns,
      callRecords,
      slots: { level: slots.level, coverPerDevice: sched.cover, postDelays: delays.delays, deferred: sched.deferred },
      stats: { users: pop.handles.length, actions, sends, failures, setupMs, runMs: performance.now() - runStart },
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
