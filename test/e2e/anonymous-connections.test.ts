/**
 * A live relay operator ties an anonymous call to a device when both travel on one connection.
 * With Node's keep-alive fetch a KeyPackage claim could ride the connection that had just
 * carried the device's session (seen by the ingress hop's e2e test). Played from the operator's
 * side, through the relay's observer trace: no claim, and no blob write, ever arrives on a
 * connection that authenticated as a device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { startRelay, type ObserverEvent } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol, linkDevice, readTexts } from '../support/clients.ts';

const trace: ObserverEvent[] = [];
let relay: Awaited<ReturnType<typeof startRelay>>;
const opened: HardlineClient[] = [];

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-anon-conn'), observer: (e) => trace.push(e) });
}, 30_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe('anonymous calls from the Node client', () => {
  it('never share a connection with a session', async () => {
    const alice = await enrol(relay.url, relay.adminToken!, 'alice');
    const bob = await enrol(relay.url, relay.adminToken!, 'bob');
    const carol = await enrol(relay.url, relay.adminToken!, 'carol');
    opened.push(alice, bob, carol);
    // Claims (new conversations), posts, and a blob written by a linking device.
    await alice.send('bob', 'hi bob');
    await alice.groupCreate('three', ['bob', 'carol']);
    opened.push(await linkDevice(bob));
    expect(await readTexts(bob)).toContain('hi bob');

    const authenticated = new Set(trace.filter((e) => e.kind === 'auth').map((e) => e.conn));
    const claims = trace.filter((e) => e.kind === 'claim');
    const posts = trace.filter((e) => e.kind === 'post');
    expect(claims.length).toBeGreaterThan(3);
    expect(posts.length).toBeGreaterThan(3);
    expect(claims.filter((e) => authenticated.has(e.conn))).toEqual([]);
    expect(posts.filter((e) => authenticated.has(e.conn))).toEqual([]);
  });
});
