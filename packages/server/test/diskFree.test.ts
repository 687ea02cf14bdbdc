/**
 * The data folder's free disk (issue 10 §3, docs/protocol.md §6 "Quotas"): under
 * `minFreeDiskBytes`, every write that adds data is refused with 507 DISK_FULL before the disk
 * fills, while reads and acknowledgements (which free space) keep working; once there is room
 * again, the same requests go through. The free space is a stand-in (`RelayOptions.diskFree`),
 * so the test can bring the disk to the edge without filling a real one.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DISK_READING_MS, FreeDisk, statfsProbe } from '../src/limits/freeDisk.ts';
import { DEFAULT_LIMITS } from '../src/limits/relayLimits.ts';
import { floodMailbox } from '../../../test/support/anonymousAttacker.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';
import { dataFolderBytes } from './support/dataFolder.ts';
import { enrolDevice, enrolWithCode, invite } from './support/enrolDevice.ts';
import { createMailbox, postFrame, sha256 } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox } from './support/wsClient.ts';

const GiB = 1024 * 1024 * 1024;
const settle = () => new Promise((r) => setTimeout(r, DISK_READING_MS + 100));

describe('a nearly full disk', () => {
  it('refuses posts, blob writes, KeyPackage uploads and enrolments, and keeps reads and acks working', async () => {
    let free = 50 * GiB;
    let probes = 0;
    const relay = await startTestRelay({
      diskFree: async () => {
        probes++;
        return free;
      },
    });
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const m = await createMailbox(relay.store);
    const waiting = postFrame(m, 'posted while there was room');
    expect((await call(relay.url, 'POST', '/v1/post', waiting.frame)).body).toEqual({ accepted: waiting.envelopeId });
    const blob = { id: randomBytes(16).toString('hex'), cap: randomBytes(32).toString('hex') };
    const blobPut = (version: number, token?: string) =>
      fetch(`${relay.url}/v1/blobs/${blob.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Capability ${blob.cap}` },
        body: JSON.stringify({ version, data: randomBytes(16 * 1024).toString('base64url'), ...(token ? { token } : {}) }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const pay = tokenPurse(relay.url, bob.token, 2, 'blob');
    expect((await blobPut(0, await pay())).status).toBe(200);
    const code = await invite(relay.url, relay.adminToken);

    // The disk drops under the floor; within a second the relay knows.
    free = DEFAULT_LIMITS.minFreeDiskBytes - 1;
    await settle();
    const before = dataFolderBytes(relay.dataDir);
    const refusals = [
      await call(relay.url, 'POST', '/v1/post', postFrame(m, 'no room').frame),
      await blobPut(1),
      await blobPut(0, await pay()),
      await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: (await newKeyPackages(bob, 1)).map((k) => ({ keyPackage: k.toString('base64url'), readCapHash: sha256(randomBytes(32)).toString('base64url') })) }, bob.token),
      await enrolWithCode(relay.url, code, 'carol'),
    ];
    for (const r of refusals) expect({ status: r.status, code: r.body.error?.code }).toEqual({ status: 507, code: 'DISK_FULL' });
    expect(await floodMailbox(relay.url, m, 20, { payload: 256 })).toEqual({ accepted: 0, refused: { DISK_FULL: 20 } });
    expect(dataFolderBytes(relay.dataDir)).toBe(before);

    // Reads and acknowledgements go on: they are how the disk gets room back.
    expect((await fetch(`${relay.url}/v1/blobs/${blob.id}`, { headers: { authorization: `Capability ${blob.cap}` } })).status).toBe(200);
    expect((await call(relay.url, 'GET', '/v1/directory', undefined, bob.token)).status).toBe(200);
    const { socket } = await openInbox(relay.url, bob.token, [m]);
    expect(await socket.binary()).toEqual(Buffer.from(waiting.envelopeBytes));
    await socket.json('drained');
    socket.sendJson({ type: 'ack', items: [[m.id, waiting.envelopeId]] });
    await waitFor(async () => (await relay.store.listEnvelopes(m.id, 0, 10)).length === 0);

    // Room again: the same requests go through, and the refused enrolment did not burn the code.
    free = 50 * GiB;
    await settle();
    expect((await call(relay.url, 'POST', '/v1/post', postFrame(m, 'room again').frame)).status).toBe(200);
    expect((await blobPut(1)).status).toBe(200);
    expect((await enrolWithCode(relay.url, code, 'carol')).status).toBe(200);
    socket.close();

    // One statfs a second at most, however many requests: a flood of posts makes no syscall storm.
    const seen = probes;
    const started = Date.now();
    await floodMailbox(relay.url, m, 500, { payload: 256 });
    const seconds = Math.ceil((Date.now() - started) / DISK_READING_MS);
    expect(probes - seen).toBeLessThanOrEqual(seconds + 1);
  });
});

describe('FreeDisk', () => {
  it('reads the real file system with statfs by default', async () => {
    const free = await statfsProbe(tmpDir())();
    expect(free).toBeGreaterThan(0);
    expect(Number.isSafeInteger(free)).toBe(true);
  });

  it('counts a failing statfs as an internal error and lets writes through rather than refusing all', async () => {
    const errors: unknown[] = [];
    const disk = new FreeDisk(() => Promise.reject(new Error('ENOSYS')), 1, Date.now, (e) => errors.push(e));
    await expect(disk.requireRoom()).resolves.toBeUndefined();
    await expect(disk.requireRoom()).resolves.toBeUndefined();
    // Both calls came within the same second: one reading, one error.
    expect(errors).toHaveLength(1);
  });

  it('refuses at one byte under the floor and not at the floor', async () => {
    let free = 1000;
    let t = 0;
    const disk = new FreeDisk(async () => free, 1000, () => t, () => {});
    await expect(disk.requireRoom()).resolves.toBeUndefined();
    free = 999;
    await expect(disk.requireRoom()).resolves.toBeUndefined(); // the reading still stands
    t += DISK_READING_MS;
    await expect(disk.requireRoom()).rejects.toMatchObject({ relayCode: 'DISK_FULL' });
  });
});
