/**
 * A device whose saved contact book is damaged gets it back (issue 8.1), with real engines, a
 * real relay and encrypted file state: the contacts come from the synced blob when the key
 * survived, and from the user's other device when the keys were lost too, through a new key
 * that outranks the old one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactBookService, HardlineClient, RelayApi } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startRelay } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { linkDevice } from '../support/clients.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const home = tempDir('alice-recover');
let alice: HardlineClient;
let alice2: HardlineClient;
let book2: ContactBookService;

/** Damages the saved book the way the browser test does, then opens the device again. */
async function reopenDamaged(part: 'book' | 'all'): Promise<{ client: HardlineClient; book: ContactBookService }> {
  const stored = alice.extensionState('contactBook') as Record<string, unknown>;
  const damaged = { ...stored, book: '{"broken', ...(part === 'all' ? { keys: [{ key: 'zz', generation: -1 }], clock: { t: 'x' } } : {}) };
  await alice.saveExtensionState('contactBook', damaged);
  alice.close();
  alice = await HardlineClient.open(nodeClientOptions(home));
  return { client: alice, book: await ContactBookService.open(alice) };
}

async function syncUntil(books: ContactBookService[], done: () => boolean, rounds = 8): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) for (const b of books) await b.sync();
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-recover') });
  // Registered in a home the test knows, so it can reopen the device after damaging it.
  alice = await HardlineClient.register(nodeClientOptions(home), { server: relay.url, code: await adminInvite(), handle: 'alicia' });
  alice2 = await linkDevice(alice);
  const book1 = await ContactBookService.open(alice);
  book2 = await ContactBookService.open(alice2);
  for (let i = 0; i < 12; i++) await book1.upsert({ name: `Contact ${i}`, phones: [`+3161234${String(i).padStart(4, '0')}`] });
  await syncUntil([book1, book2, book1], () => book2.list().length === 12);
  expect(book2.list()).toHaveLength(12);
}, 120_000);

async function adminInvite(): Promise<string> {
  return (await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!)).code;
}

afterAll(async () => {
  alice?.close();
  alice2?.close();
  await relay?.close();
});

describe('a damaged saved contact book', () => {
  it('comes back from the synced blob when its key survived', async () => {
    const { book } = await reopenDamaged('book');
    expect(book.damaged).toEqual(['contacts']);
    expect(book.list()).toHaveLength(0);
    await book.sync();
    expect(book.list()).toHaveLength(12);
  });

  it('comes back from the other device when its keys were lost too', async () => {
    const { book } = await reopenDamaged('all');
    expect(book.damaged).toEqual(['keys', 'contacts']);
    await syncUntil([book, book2, book], () => book.list().length === 12);
    expect(book.list()).toHaveLength(12);
    // Both devices settled on the new key, so later edits still travel.
    await book.upsert({ name: 'After recovery' });
    await syncUntil([book, book2], () => book2.list().some((c) => c.name === 'After recovery'));
    expect(book2.list().map((c) => c.name)).toContain('After recovery');
  });
});
