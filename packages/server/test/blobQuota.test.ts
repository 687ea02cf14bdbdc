/**
 * Blob quotas (issue 10 §3, docs/protocol.md §6 "Quotas"), from both sides.
 * The attackers: on main a stranger created 473 blobs of 2 MiB in 20 s and none ever expired.
 * Now a stranger creates none (each new blob costs a Privacy Pass token), an insider with a
 * device's tokens is held at the relay's blob space (a share per enrolled device), and a blob
 * nobody reads or writes idles out. The legitimate side: a 10,000-contact book fits one blob,
 * and a book in use, read at every sync, never idles out.
 */
import { randomBytes, randomInt } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyPatches, deriveBookKeys, EMPTY_BOOK, liveContacts, openBook, sealBook, type BookEdit } from '@hardline/protocol';
import { DEFAULT_LIMITS } from '../src/limits/relayLimits.ts';
import { dayNumber } from '../src/store/day.ts';
import { SQLITE_FILE_NAME } from '../src/store/sqliteRelayStore.ts';
import { floodBlobs, type OwnedBlob } from '../../../test/support/anonymousAttacker.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';
import { dataFolderBytes } from './support/dataFolder.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { sha256 } from './support/envelopes.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const DAY = 86_400_000;

async function putBlob(relay: TestRelay, blob: OwnedBlob, version: number, data: Uint8Array, token?: string) {
  const res = await fetch(`${relay.url}/v1/blobs/${blob.id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Capability ${blob.capability}` },
    body: JSON.stringify({ version, data: Buffer.from(data).toString('base64url'), ...(token ? { token } : {}) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function getBlob(relay: TestRelay, blob: OwnedBlob) {
  const res = await fetch(`${relay.url}/v1/blobs/${blob.id}`, { headers: { authorization: `Capability ${blob.capability}` } });
  return { status: res.status, body: (await res.json()) as any };
}

const newBlob = (): OwnedBlob => ({ id: randomBytes(16).toString('hex'), capability: randomBytes(32).toString('hex') });

const FIRST = ['Anna', 'Ben', 'Chloé', 'Daan', 'Emma', 'Finn', 'Greta', 'Hugo', 'Iris', 'Jonas', 'Karim', 'Lotte', 'Mehmet', 'Noor', 'Olga', 'Pieter', 'Queenie', 'Rosa', 'Sven', 'Tariq'];
const LAST = ['Jansen', 'de Vries', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Dijk', 'Yılmaz', 'El Amrani'];
const NOTES = ['met at the 2023 conference', 'supplier, invoices via accounts', 'call before 10', "Sven's sister", 'board member', 'night shift contact, pager first'];
const DOMAINS = ['example.org', 'mail.example.com', 'corp.example.net', 'example.nl'];

/**
 * 10,000 contacts as the client's vCard import writes them (contactBookService.importVCard):
 * every field set in one patch per contact, stamped by the importing device's clock. Random
 * numbers and mixed fields, so it compresses no better than a real address book.
 */
function tenThousandContacts(): BookEdit[] {
  const device = randomBytes(6).toString('hex');
  const t = Date.now();
  return Array.from({ length: 10_000 }, (_, i) => {
    const name = `${FIRST[randomInt(FIRST.length)]} ${LAST[randomInt(LAST.length)]}`;
    const phone = () => `+316${String(randomInt(10_000_000, 99_999_999))}`;
    const email = `${name.toLowerCase().replace(/[^a-z]/g, '.')}${randomInt(1000)}@${DOMAINS[randomInt(DOMAINS.length)]}`;
    return {
      id: randomBytes(16).toString('hex'),
      patch: {
        name,
        phones: randomInt(6) === 0 ? [phone(), phone()] : [phone()],
        emails: randomInt(3) === 0 ? [] : [email],
        notes: randomInt(4) === 0 ? NOTES[randomInt(NOTES.length)]! : '',
        favourite: randomInt(20) === 0,
        hardlineHandle: randomInt(10) === 0 ? `user${i}` : null,
        lastContactedAt: null,
      },
      at: { t, c: i, d: device },
    };
  });
}

describe('a 10,000-contact book', () => {
  it('fits one blob under the default limits, and is created, read back and updated', async () => {
    const relay = await startTestRelay();
    const owner = await enrolDevice(relay.url, relay.adminToken, 'owner');
    const pay = tokenPurse(relay.url, owner.token, 1, 'blob');
    const keys = deriveBookKeys(randomBytes(32));
    const book = applyPatches(EMPTY_BOOK, tenThousandContacts());
    const sealed = await sealBook(keys, book);
    expect(sealed.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxBlobBytes);
    // One device's share of the blob space holds it with room for a rotated copy.
    expect(sealed.length * 2).toBeLessThanOrEqual(DEFAULT_LIMITS.blobBytesPerDevice);

    const blob = { id: keys.blobId, capability: Buffer.from(keys.capability).toString('hex') };
    expect(await putBlob(relay, blob, 0, sealed, await pay())).toEqual({ status: 200, body: { version: 1 } });
    const back = await getBlob(relay, blob);
    expect(back.status).toBe(200);
    expect(liveContacts(await openBook(keys, Buffer.from(back.body.data, 'base64url')))).toHaveLength(10_000);
    expect(await putBlob(relay, blob, 1, await sealBook(keys, book))).toEqual({ status: 200, body: { version: 2 } });
  });
});

describe('a blob flood', () => {
  it('from a stranger with no tokens creates nothing and adds nothing to the disk', async () => {
    const relay = await startTestRelay();
    await enrolDevice(relay.url, relay.adminToken, 'someone');
    const before = dataFolderBytes(relay.dataDir);
    const flood = await floodBlobs(relay.url, 20, 2 * MiB);
    expect(flood.accepted).toBe(0);
    expect(Object.keys(flood.refused)).toEqual(['TOKEN_REQUIRED']);
    expect(dataFolderBytes(relay.dataDir)).toBe(before);
  });

  it("from an insider with a device's tokens is held at the blob space, and the data folder stops growing", async () => {
    const relay = await startTestRelay();
    const owner = await enrolDevice(relay.url, relay.adminToken, 'owner');
    const insider = await enrolDevice(relay.url, relay.adminToken, 'insider');
    // Two devices: room for 2 x 8 MiB. The owner's book (64 KiB) is there first.
    const space = 2 * DEFAULT_LIMITS.blobBytesPerDevice;
    const book = newBlob();
    expect((await putBlob(relay, book, 0, randomBytes(64 * KiB), await tokenPurse(relay.url, owner.token, 1, 'blob')())).status).toBe(200);

    const pay = tokenPurse(relay.url, insider.token, 8, 'blob');
    const before = dataFolderBytes(relay.dataDir);
    const first = await floodBlobs(relay.url, 20, 2 * MiB, pay);
    const fits = Math.floor((space - 64 * KiB) / (2 * MiB));
    expect(first.accepted).toBe(fits);
    expect(first.refused).toEqual({ BLOBS_FULL: 20 - fits });
    // Smaller blobs take what is left (1,984 KiB): one of 1 MiB, then no more.
    expect(await floodBlobs(relay.url, 5, 1 * MiB, pay)).toMatchObject({ accepted: 1, refused: { BLOBS_FULL: 4 } });
    const afterFirst = dataFolderBytes(relay.dataDir);
    expect(afterFirst - before).toBeLessThan((fits * 2 + 1) * MiB * 1.1);
    const second = await floodBlobs(relay.url, 10, 2 * MiB, pay);
    expect(second).toEqual({ accepted: 0, refused: { BLOBS_FULL: 10 }, blobs: [] });
    expect(dataFolderBytes(relay.dataDir)).toBe(afterFirst);

    // The owner's book keeps syncing at its size; growing waits until there is room for it.
    expect((await getBlob(relay, book)).status).toBe(200);
    expect(await putBlob(relay, book, 1, randomBytes(64 * KiB))).toEqual({ status: 200, body: { version: 2 } });
    const grow = await putBlob(relay, book, 2, randomBytes(2 * MiB));
    expect(grow.status).toBe(507);
    expect(grow.body.error.code).toBe('BLOBS_FULL');
    expect((await getBlob(relay, book)).body.version).toBe(2);
    expect(await putBlob(relay, book, 2, randomBytes(1 * MiB))).toEqual({ status: 200, body: { version: 3 } });
  });
});

describe('idle blobs', () => {
  it('are deleted after blobIdleDays without a read or write; a read with the capability keeps one', async () => {
    const relay = await startTestRelay();
    await enrolDevice(relay.url, relay.adminToken, 'owner');
    const now = Date.now();
    const read = newBlob();
    const forgotten = newBlob();
    // Both last written 100 days ago (straight into the store, with that day's clock).
    for (const b of [read, forgotten]) {
      expect(await relay.store.putBlob(b.id, sha256(Buffer.from(b.capability, 'hex')), 0, randomBytes(16 * KiB), now - 100 * DAY)).toEqual({ status: 'stored', version: 1 });
    }
    // A device syncing reads its book: that is use.
    expect((await getBlob(relay, read)).status).toBe(200);
    expect(await relay.store.prune(now, { blobIdleDays: DEFAULT_LIMITS.blobIdleDays })).toEqual({ expiredBlobs: 1 });
    expect((await getBlob(relay, read)).status).toBe(200);
    expect((await getBlob(relay, forgotten)).status).toBe(404);
    expect(await relay.store.blobUsage()).toEqual({ blobs: 1, bytes: 16 * KiB });
    // The day is all that is kept of when it was used.
    const db = new Database(`${relay.dataDir}/${SQLITE_FILE_NAME}`, { readonly: true });
    try {
      expect(db.prepare('SELECT last_day FROM blobs').all()).toEqual([{ last_day: dayNumber(now) }]);
    } finally {
      db.close();
    }
    // Idle for exactly blobIdleDays it stays; one more day and it goes.
    expect(await relay.store.prune(now + DEFAULT_LIMITS.blobIdleDays * DAY, { blobIdleDays: DEFAULT_LIMITS.blobIdleDays })).toEqual({ expiredBlobs: 0 });
    expect(await relay.store.prune(now + (DEFAULT_LIMITS.blobIdleDays + 1) * DAY, { blobIdleDays: DEFAULT_LIMITS.blobIdleDays })).toEqual({ expiredBlobs: 1 });
    expect(await relay.store.blobUsage()).toEqual({ blobs: 0, bytes: 0 });
  });

  it("are deleted by the relay's own housekeeping, with the configured period", async () => {
    const first = await startTestRelay({ limits: { blobIdleDays: 30 } });
    const old = newBlob();
    const recent = newBlob();
    await first.store.putBlob(old.id, sha256(Buffer.from(old.capability, 'hex')), 0, randomBytes(16 * KiB), Date.now() - 31 * DAY);
    await first.store.putBlob(recent.id, sha256(Buffer.from(recent.capability, 'hex')), 0, randomBytes(16 * KiB), Date.now() - 29 * DAY);
    await first.close();
    // Housekeeping runs at start, then hourly.
    const again = await startTestRelay({ dataDir: first.dataDir, limits: { blobIdleDays: 30 } });
    expect((await getBlob(again, old)).status).toBe(404);
    expect((await getBlob(again, recent)).status).toBe(200);
  });
});

describe('one blob', () => {
  it('is at most maxBlobBytes (413 TOO_LARGE past it)', async () => {
    const relay = await startTestRelay({ limits: { maxBlobBytes: 1 * MiB } });
    const owner = await enrolDevice(relay.url, relay.adminToken, 'owner');
    const pay = tokenPurse(relay.url, owner.token, 2, 'blob');
    const big = await putBlob(relay, newBlob(), 0, randomBytes(2 * MiB), await pay());
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('TOO_LARGE');
    expect((await putBlob(relay, newBlob(), 0, randomBytes(1 * MiB), await pay())).status).toBe(200);
  });
});
