/**
 * A client configured with an ingress hop (`hardline register --ingress`) sends to a contact:
 * the claim of the contact's KeyPackage and the posts go through the hop with Oblivious HTTP,
 * the message arrives, and the relay's trace never puts those actions on the sender's own
 * connections. What the hop forwarded holds none of the mailbox ids it carried. The setting
 * is kept in the device's state, so it holds after the client is reopened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient, RelayApi } from '@hardline/client';
import { IngressFetch } from '../../packages/client/src/ingressFetch.ts';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startIngressHop, startRelay, type IngressHopHandle, type ObserverEvent } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol, readTexts } from '../support/clients.ts';

const events: ObserverEvent[] = [];
const forwarded: Uint8Array[] = [];
let relay: Awaited<ReturnType<typeof startRelay>>;
let hop: IngressHopHandle;
let alice: HardlineClient;
let bob: HardlineClient;
const aliceHome = tempDir('alice-ingress');

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-ingress'), observer: (e) => events.push(e) });
  hop = await startIngressHop({
    target: relay.url,
    port: 0,
    upstream: (send) => (url, body, type, timeout) => {
      forwarded.push(new Uint8Array(body));
      return send(url, body, type, timeout);
    },
  });
  const { code } = await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!);
  alice = await HardlineClient.register(nodeClientOptions(aliceHome), { server: relay.url, code, handle: 'alice', ingress: hop.url });
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
}, 60_000);

afterAll(async () => {
  for (const c of [alice, bob]) c?.close();
  await hop?.close();
  await relay?.close();
});

/** Connections on which Alice's device authenticated: hers, straight to the relay. */
const aliceConns = () => new Set(events.filter((e) => e.kind === 'auth' && e.device === alice.deviceId).map((e) => e.conn));

describe('sending through an ingress hop', () => {
  it('claims and posts through the hop, and the message arrives', async () => {
    const mark = events.length;
    await alice.send('bob', 'through the hop');
    const acts = events.slice(mark).filter((e) => e.kind === 'post' || e.kind === 'claim');
    expect(acts.some((e) => e.kind === 'claim')).toBe(true);
    expect(acts.some((e) => e.kind === 'post')).toBe(true);
    const mine = aliceConns();
    for (const e of acts) expect(mine.has(e.conn), `${e.kind} on one of alice's connections`).toBe(false);
    expect(forwarded.length).toBeGreaterThanOrEqual(acts.length);
    // The hop carried those actions, and saw none of the mailboxes they named.
    for (const e of acts.filter((a) => a.mailboxId)) {
      for (const body of forwarded) {
        expect(Buffer.from(body).includes(Buffer.from(e.mailboxId!, 'hex'))).toBe(false);
        expect(Buffer.from(body).includes(Buffer.from(e.mailboxId!))).toBe(false);
      }
    }
    expect(await readTexts(bob)).toEqual(['through the hop']);
  });

  it('never lets a session call through the hop, and waits when the hop is down', async () => {
    const via = new IngressFetch(new URL(hop.url), nodeTransport);
    await expect(via.fetch(new URL('/v1/directory', relay.url), { headers: { authorization: 'Bearer x' } })).rejects.toMatchObject({ code: 'USAGE' });
    const dead = new IngressFetch(new URL('http://127.0.0.1:9/'), nodeTransport);
    await expect(dead.fetch(new URL('/v1/tokens/claim/key', relay.url))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('keeps the ingress in the device state: a reopened client still posts through the hop', async () => {
    alice.close();
    alice = await HardlineClient.open(nodeClientOptions(aliceHome));
    const before = forwarded.length;
    const mark = events.length;
    await alice.send('bob', 'again');
    expect(forwarded.length).toBeGreaterThan(before);
    const posts = events.slice(mark).filter((e) => e.kind === 'post');
    const mine = aliceConns();
    for (const e of posts) expect(mine.has(e.conn)).toBe(false);
    expect(await readTexts(bob)).toEqual(['again']);
  });
});
