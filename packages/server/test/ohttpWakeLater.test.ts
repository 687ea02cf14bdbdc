/**
 * @module ohttpWakeLater.test
 * A post through the Oblivious HTTP gateway (the ingress hop's path, which the web app takes
 * when its relay names a hop) may say that its recipient's push wake-up can wait, as a direct
 * post does with `Hardline-Wake: later`. Without it every post through the hop woke its
 * recipient at once, and the push provider, or whoever watches the push, could pair each
 * wake-up with the post just before it. Played from the push provider's side, on a clock the
 * test moves: a marked post wakes no one until the level's delay has passed; an unmarked one
 * (a ring) and one marked with anything but `later` wake at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushService, type BrowserSubscription, type PushServiceStandIn } from '../../../test/support/pushService.ts';
import { ManualClock } from '../../../test/support/manualClock.ts';
import { seededRandom } from '../../../bench/metadata/random.ts';
import { WAKE_POLICIES } from '../src/push/wakePolicy.ts';
import { createMailbox, postFrame, type TestMailbox } from './support/envelopes.ts';
import { gatewayConfig, throughHop } from './support/ohttpClient.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let push: PushServiceStandIn;
let relay: TestRelay;
let relayClock: ManualClock;

beforeAll(async () => {
  push = await startPushService();
  relayClock = new ManualClock();
  relay = await startTestRelay({ push: { endpoints: { hosts: [push.host], allowHttp: true }, timing: { clock: relayClock, random: seededRandom(12).next } } });
});
afterAll(async () => {
  await push.close();
});

async function registered(): Promise<{ m: TestMailbox; sub: BrowserSubscription }> {
  const m = await createMailbox(relay.store);
  const sub = push.subscribe();
  const r = await fetch(`${relay.url}/v1/push/${m.id}`, {
    method: 'PUT',
    headers: { authorization: `Capability ${m.readCap.toString('hex')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sendCap: m.sendCap.toString('hex'), subscription: sub, level: 'strict' }),
  });
  expect(r.status).toBe(200);
  return { m, sub };
}

/** Wake-ups the stand-in got for `sub`, once `n` came (or after a short real wait for none). */
async function wakesOf(sub: BrowserSubscription, n: number): Promise<number> {
  const id = sub.endpoint.slice(sub.endpoint.lastIndexOf('/') + 1);
  const count = (): number => push.received.filter((p) => p.subscription === id).length;
  for (let i = 0; i < (n === 0 ? 30 : 500) && count() < Math.max(n, 1); i++) await new Promise((r) => setTimeout(r, 10));
  return count();
}

/** A post through the gateway, as IngressFetch sends it, with these inner header fields. */
async function postThroughGateway(m: TestMailbox, text: string, headers: [string, string][]): Promise<number> {
  const r = await throughHop(`${relay.url}/v1/ohttp`, await gatewayConfig(relay.url), { method: 'POST', path: '/v1/post', bytes: new Uint8Array(postFrame(m, text).frame), headers });
  return r.status;
}

describe('posts through the gateway say whether their wake-up may wait', () => {
  it('`hardline-wake: later` inside the encapsulated request waits for the recipient\'s level: at strict, for cover', async () => {
    const { m, sub } = await registered();
    expect(await postThroughGateway(m, 'at a slot', [['hardline-wake', 'later']])).toBe(200);
    expect(await wakesOf(sub, 0)).toBe(0);
    // No wake-up of its own past the delay bound either: the next cover wake-up carries it.
    await relayClock.advance(WAKE_POLICIES.strict.maxDelayMs);
    expect(await wakesOf(sub, 0)).toBe(0);
    // The same post unmarked would have woken it already (the next test).
  });

  it('an unmarked post (a ring), or one marked with anything else, wakes at once', async () => {
    const ring = await registered();
    expect(await postThroughGateway(ring.m, 'ring', [])).toBe(200);
    expect(await wakesOf(ring.sub, 1)).toBe(1);
    const odd = await registered();
    expect(await postThroughGateway(odd.m, 'odd', [['hardline-wake', 'much-later']])).toBe(200);
    expect(await wakesOf(odd.sub, 1)).toBe(1);
  });
});
