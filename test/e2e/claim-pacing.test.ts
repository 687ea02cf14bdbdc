/**
 * Conversation setup from the live relay operator's side (issue 12), through the observer
 * trace. At level `balanced` the operator must not see the creator claim a mailbox of its own
 * when it sets up a conversation (it comes from a pool claimed earlier), nor the members'
 * KeyPackages claimed in one burst right after the creator's authenticated requests: each
 * claim waits out the quiet period, goes on its own connection, and only after the previous
 * one was answered. A mailbox rotation (a member removed) takes the creator's new mailbox from
 * the pool too. Messages still arrive. Each test fails with LEVEL set to `off`.
 * No assertion is about speed: only about order and separation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient, RelayApi, SLOT_PARAMS, type PrivacyLevel } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startRelay, type ObserverEvent } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { readTexts } from '../support/clients.ts';
import { claimsOf, sessionTimes } from '../support/relayTrace.ts';

/** The level under test; `off` turns the defence off (each test below must then fail). */
const LEVEL: PrivacyLevel = 'balanced';
const QUIET_MS = SLOT_PARAMS.balanced.quietMs;

const trace: ObserverEvent[] = [];
let relay: Awaited<ReturnType<typeof startRelay>>;
const opened: HardlineClient[] = [];
let alice: HardlineClient;
const members: HardlineClient[] = [];

async function enrolAt(handle: string): Promise<HardlineClient> {
  const { code } = await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!);
  const c = await HardlineClient.register(nodeClientOptions(tempDir(`pace-${handle}`)), { server: relay.url, code, handle, displayName: handle });
  opened.push(c);
  return c;
}

/** Alice's own mailbox in a conversation's current roster. */
function aliceMailbox(name: string): string {
  const conv = alice.conversations().find((c) => c.roster.kind === 'group' && c.roster.name === name)!;
  return conv.roster.devices.find((d) => d.deviceId === alice.deviceId)!.mailboxId;
}

/** Claims that came within the quiet period after one of the device's authenticated requests. */
function claimsInQuiet(claims: readonly ObserverEvent[], device: string): ObserverEvent[] {
  const session = sessionTimes(trace, device);
  return claims.filter((c) => session.some((t) => t <= c.t && c.t - t < QUIET_MS));
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-pace'), observer: (e) => trace.push(e) });
  alice = await enrolAt('alice');
  for (const h of ['bob', 'carol', 'dave']) members.push(await enrolAt(h));
  await alice.setPrivacyLevel(LEVEL);
  // The pool fills on its own timer (every 12 s on average at balanced); the test fills it now.
  while (await alice.mailboxPool.refillOne());
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe('conversation setup at level balanced, from the operator side', () => {
  it("takes the creator's mailbox from the pool: no claim of her own at setup, none in a quiet period", async () => {
    expect(alice.mailboxPool.low).toBe(false);
    const from = trace.length;
    await alice.groupCreate('four', ['bob', 'carol', 'dave']);
    const mine = aliceMailbox('four');
    // The operator saw her mailbox claimed before the setup began, at a moment of its own.
    expect(claimsOf(trace.slice(0, from), alice.deviceId).map((c) => c.mailboxId)).toContain(mine);
    expect(claimsInQuiet(claimsOf(trace.slice(from), alice.deviceId), alice.deviceId)).toEqual([]);
    await alice.send('four', 'hello all');
    for (const m of members) expect(await readTexts(m)).toEqual(['hello all']);
  }, 90_000);

  it("claims the members' KeyPackages one at a time, each on its own connection, none in a quiet period", async () => {
    const from = trace.length;
    await alice.groupCreate('five', ['bob', 'carol', 'dave']);
    const since = trace.slice(from);
    const claims = members.flatMap((m) => claimsOf(since, m.deviceId)).sort((a, b) => a.t - b.t);
    expect(claims).toHaveLength(3);
    expect(new Set(claims.map((c) => c.conn)).size).toBe(3);
    // Not one burst: each claim's connection opened only after the previous claim was answered.
    for (let i = 1; i < claims.length; i++) {
      const opened = since.find((e) => e.kind === 'connect' && e.conn === claims[i]!.conn)!;
      expect(opened.t).toBeGreaterThanOrEqual(claims[i - 1]!.t);
    }
    // None rides on the directory refresh the setup began with.
    expect(claimsInQuiet(claims, alice.deviceId)).toEqual([]);
    await alice.send('five', 'hello again');
    for (const m of members) expect(await readTexts(m)).toEqual(['hello again']);
  }, 90_000);

  it("moves the creator to a pooled mailbox when a member is removed", async () => {
    while (await alice.mailboxPool.refillOne());
    const before = aliceMailbox('four');
    const from = trace.length;
    await alice.groupRemove('four', 'dave');
    const after = aliceMailbox('four');
    expect(after).not.toBe(before);
    expect(claimsOf(trace.slice(0, from), alice.deviceId).map((c) => c.mailboxId)).toContain(after);
    expect(claimsInQuiet(claimsOf(trace.slice(from), alice.deviceId), alice.deviceId)).toEqual([]);
    await alice.send('four', 'without dave');
    expect(await readTexts(members[0]!)).toEqual(['without dave']);
  }, 90_000);
});
