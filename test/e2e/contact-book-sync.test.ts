/**
 * The contact book across devices with the real relay in-process: a 50-entry vCard import
 * links the one entry carrying Bob's published number; Alice's two devices edit different
 * fields of one contact offline and both edits survive; a newly linked device receives the
 * whole book; a bad import changes nothing; and the relay's files hold no contact name or number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactBookService, type HardlineClient } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { startRelay } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol, linkDevice } from '../support/clients.ts';

const dataDir = tempDir('relay-book');
let relay: Awaited<ReturnType<typeof startRelay>>;
let alice: HardlineClient;
let alice2: HardlineClient;
let alice3: HardlineClient;
let bob: HardlineClient;
let book1: ContactBookService;
let book2: ContactBookService;

/** Bob publishes +31 6 5555 0101; Alice's phone has him as "06-5555 0101". */
const BOB_PUBLISHED = '+31655550101';
const secrets: string[] = [];

function phoneExport(): string {
  const cards: string[] = [];
  for (let i = 0; i < 50; i++) {
    const name = i === 17 ? 'Bob Builder' : `Zebulon Quintrell ${i}`;
    const tel = i === 17 ? '06-5555 0101' : `+44 7700 9${String(i).padStart(5, '0')}`;
    secrets.push(name, tel);
    cards.push(
      ['BEGIN:VCARD', 'VERSION:3.0', `N:${name.split(' ').slice(1).join(' ')};${name.split(' ')[0]};;;`, `FN:${name}`, `item1.TEL;type=CELL;type=pref:${tel}`, 'item1.X-ABLabel:mobile', 'END:VCARD'].join('\r\n'),
    );
  }
  return cards.join('\r\n') + '\r\n';
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir });
  alice = await enrol(relay.url, relay.adminToken!, 'alice');
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
  await bob.publishProfile({ phone: BOB_PUBLISHED });
  alice2 = await linkDevice(alice);
  book1 = await ContactBookService.open(alice, { defaultCountry: 'NL' });
  book2 = await ContactBookService.open(alice2, { defaultCountry: 'NL' });
}, 120_000);

afterAll(async () => {
  for (const c of [alice, alice2, alice3, bob]) c?.close();
  await relay?.close();
});

describe('contact book', () => {
  it('imports 50 entries and links the one with Bob’s published number, matching locally', async () => {
    await alice.refreshDirectory();
    const changes: number[] = [];
    const off = book1.onChange((list) => changes.push(list.length));
    const r = await book1.importVCard(phoneExport());
    off();
    expect(r.added).toBe(50);
    expect(r.linkedToHardline.map((c) => [c.name, c.hardlineHandle])).toEqual([['Bob Builder', 'bob']]);
    expect(r.notOnHardline).toHaveLength(49);
    expect(changes).toEqual([50]);
    expect(book1.search('builder')[0]!.phones).toEqual(['06-5555 0101']);
    // Importing the same file again adds nobody.
    expect((await book1.importVCard(phoneExport())).added).toBe(0);
    expect(book1.list()).toHaveLength(50);
  });

  it('rejects a malformed or huge file and leaves the book untouched', async () => {
    const before = book1.exportVCard();
    for (const bad of ['BEGIN:VCARD\r\nFN:half\r\n', 'BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n'.repeat(10_001), 'x'.repeat(6 * 1024 * 1024)]) {
      const err = await book1.importVCard(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HardlineError);
      expect(['DECODE', 'TOO_LARGE']).toContain((err as HardlineError).code);
    }
    expect(book1.exportVCard()).toBe(before);
  });

  it('syncs through the relay to the other device', async () => {
    const first = await book1.sync();
    expect(first.pushed).toBe(true);
    const second = await book2.sync();
    expect(second.changed).toBe(true);
    expect(book2.list().map((c) => c.name)).toEqual(book1.list().map((c) => c.name));
    expect(book2.list()).toHaveLength(50);
  }, 60_000);

  it('keeps both devices’ offline edits to different fields of the same contact', async () => {
    const bobContact = book1.search('Bob Builder')[0]!;
    // Neither device syncs between these edits: both work from the same old copy.
    await book1.upsert({ id: bobContact.id, phones: [...bobContact.phones, '+31 20 555 0000'] });
    secrets.push('+31 20 555 0000');
    await book2.upsert({ id: bobContact.id, notes: 'Met at the Kelderhuis meeting' });
    secrets.push('Kelderhuis');
    await book2.setFavourite(bobContact.id, true);
    await book1.sync();
    await book2.sync();
    await book1.sync();
    for (const b of [book1, book2]) {
      expect(b.get(bobContact.id)).toMatchObject({
        phones: ['06-5555 0101', '+31 20 555 0000'],
        notes: 'Met at the Kelderhuis meeting',
        favourite: true,
        hardlineHandle: 'bob',
      });
    }
    // A deletion on one device reaches the other.
    const victim = book2.search('Zebulon Quintrell 3')[0]!;
    await book2.remove(victim.id);
    await book2.sync();
    await book1.sync();
    expect(book1.get(victim.id)).toBeUndefined();
  }, 60_000);

  it('gives a newly linked device the whole book', async () => {
    alice3 = await linkDevice(alice);
    // An existing device adds it to the self conversation and sends it the key.
    await book1.sync();
    const book3 = await ContactBookService.open(alice3, { defaultCountry: 'NL' });
    const r = await book3.sync();
    expect(r.changed).toBe(true);
    expect(book3.list()).toEqual(book1.list());
    expect(book3.list()).toHaveLength(49);
    // And its edits flow back.
    const someone = book3.search('Zebulon Quintrell 12')[0]!;
    await book3.upsert({ id: someone.id, name: 'Zebulon Q. Renamed' });
    await book3.sync();
    await book1.sync();
    expect(book1.get(someone.id)!.name).toBe('Zebulon Q. Renamed');
    // The second device catches up too (it must see the third device's addition before that
    // device is revoked: see the report on processing a commit that adds a since-revoked device).
    await book2.sync();
    expect(book2.get(someone.id)!.name).toBe('Zebulon Q. Renamed');
  }, 90_000);

  it('replaces the book key after a device is revoked, and the others follow', async () => {
    const blobOf = (c: HardlineClient) => (c.extensionState('contactBook') as { remote?: { blobId: string } }).remote?.blobId;
    const oldBlob = blobOf(alice);
    await alice.revokeDevice(alice3.deviceId);
    await book1.sync();
    expect(blobOf(alice)).not.toBe(oldBlob);
    await book2.sync();
    expect(blobOf(alice2)).toBe(blobOf(alice));
    await book2.upsert({ name: 'After Revocation Person' });
    secrets.push('After Revocation Person');
    await book2.sync();
    await book1.sync();
    expect(book1.search('After Revocation')).toHaveLength(1);
  }, 90_000);

  it('exports vCard 4.0 that re-imports to the same contacts', async () => {
    const text = book1.exportVCard();
    expect(text.match(/BEGIN:VCARD/g)).toHaveLength(50);
    expect(text).toContain('IMPP:hardline:bob');
  });

  it('leaves no contact name or number in the relay’s files', () => {
    const raw = Buffer.concat(readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f))));
    for (const s of secrets) expect(raw.includes(Buffer.from(s)), s).toBe(false);
    // Bob's own published number is in the directory by his choice; Alice's spelling of it is not.
    expect(raw.includes(Buffer.from('06-5555 0101'))).toBe(false);
  });
});
