/**
 * @module seizedDiskPostSocket.test
 * The seized disk at the moment between a commit and its checkpoint, from the attacker's side,
 * for a group message's fan-out: one sender posts k envelopes back to back on one `WS /v1/post`
 * connection (docs/protocol.md §7 risk 3, at `off`), through the real relay and store. The
 * relay must commit them one by one (store/postSeries.ts), so that every state a copy can
 * catch (support/frozenCommits.ts: each commit whole, cut after each frame, its checkpoint
 * stopped after each page) shows at most one of those mailboxes, and the carver
 * (test/support/carveDisk.ts, told which mailboxes belong together) pairs none of them.
 * Meanwhile the same four envelopes posted in one turn with no connection to keep apart
 * still share a commit, which the carver does pair: it would see the burst if it were there.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { decodePostReply } from '@hardline/protocol';
import { SQLITE_FILE_NAME } from '../src/store/sqliteRelayStore.ts';
import { carveDisk, type CarveTruth } from '../../../test/support/carveDisk.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { freezeAroundCommits } from './support/frozenCommits.ts';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { TestSocket } from './support/wsClient.ts';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

const FAN_OUT = 4;

it('a fan-out posted back to back on one post connection leaves no state on disk that links two of its mailboxes', async () => {
  const dataDir = tmpDir();
  const frozen = freezeAroundCommits(join(dataDir, SQLITE_FILE_NAME));
  restore = frozen.restore;
  const relay = await startTestRelay({ dataDir });
  // The group's members' mailboxes, each in a commit of its own (as claims create them).
  const members = [];
  for (let i = 0; i < FAN_OUT; i++) members.push(await createMailbox(relay.store));
  const truth: CarveTruth = { claimedKeyPackages: [], deviceIds: [], conversations: [members.map((m) => m.id)] };
  const ws = await TestSocket.open(relay.url, '/v1/post');

  for (let round = 0; round < 3; round++) {
    const before = frozen.states.length;
    const posts = members.map((m) => postFrame(m, `group message ${round}`));
    // Back to back, as the client's Poster pipelines a fan-out.
    for (const p of posts) ws.send(p.frame);
    const replies = [];
    for (let i = 0; i < FAN_OUT; i++) replies.push(decodePostReply(await ws.binary()));
    expect(replies).toEqual(posts.map((p) => ({ status: 'accepted', envelopeId: p.envelopeId })));
    // No state of any commit links two of the burst's mailboxes: each envelope had its own.
    const states = frozen.states.slice(before);
    for (const s of states) expect([round, s.label, carveDisk(s.files, truth).findings]).toEqual([round, s.label, []]);
    expect(states.filter((s) => s.label.endsWith('whole')).length).toBeGreaterThanOrEqual(FAN_OUT);
  }
  ws.close();

  // The same burst with no connection to keep apart (the store called directly, one turn):
  // one commit holds all four, and the carver pairs them in its WAL.
  const before = frozen.states.length;
  await Promise.all(members.map((m) => {
    const p = postFrame(m, 'one commit');
    return relay.store.putEnvelope(m.id, p.envelopeId, p.envelopeBytes, Date.now());
  }));
  const whole = frozen.states.slice(before).filter((s) => s.label.endsWith('whole'));
  expect(whole).toHaveLength(1);
  expect(carveDisk(whole[0]!.files, truth).findings).toContainEqual(expect.stringMatching(new RegExp(`${FAN_OUT} mailboxes of one conversation written`)));
  await relay.close();
});
