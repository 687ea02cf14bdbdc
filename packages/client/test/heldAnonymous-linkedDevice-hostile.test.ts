/**
 * @module heldAnonymous-linkedDevice-hostile.test
 * A device linked from one of the person's devices (a link code naming the org key), from the
 * side of a relay already taken over when it is linked: it serves the new device the org's chain
 * cut short, before the policy that names the team's hop. A linked device used not to wait for
 * anything (its code carries no invite), so it took the cut chain, found no hop in it, and
 * claimed, bought TURN credentials and posted straight to the relay from its own address.
 *
 * Now the linking device hands over the head of the chain it verified, sealed in its link answer
 * (client deviceLinking.ts), and the new device holds every anonymous action (ingressRoute.ts)
 * from enrolment until its own verified chain reaches that head (orgPolicy.ts AwaitedEntry).
 * Only its own link handshake leaves meanwhile, straight to the relay. A relay that alters the
 * sealed answer gets it refused: the device stays uncertified and held. A device of an org with
 * no org key waits for nothing.
 *
 * Real engines, a real relay (SQLite) and a real ingress hop; the relay withholds and alters by
 * editing its own store (test/support/orgConsole.ts withholdOrders). What reached the relay from
 * the device's address is read off its own transport (test/support/addressWatch.ts).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { certifyDevice, DecodeError, linkKeys, newIdentityKey, toBase64Url, type DeviceId, type Handle, openLinkMessage, sealLinkMessage, splitInviteCode, splitLinkCode, type OrgKeyPair } from '@hardline/protocol';
import { SQLITE_FILE_NAME, type IngressHopHandle } from '@hardline/server';
import { watched, type Seen } from '../../../test/support/addressWatch.ts';
import { tempDir } from '../../../test/support/cliHarness.ts';
import { enrol, linkDevice, readTexts } from '../../../test/support/clients.ts';
import { orgInvite, withholdOrders } from '../../../test/support/orgConsole.ts';
import { AFTER_ORG_KEY, startOrgWithSignedHop, type OrgWithSignedHop } from '../../../test/support/orgWithSignedHop.ts';
import { startTestRelay, type TestRelay } from '../../../test/support/testRelay.ts';

let org: OrgWithSignedHop;
let relay: TestRelay;
let key: OrgKeyPair;
let hop: IngressHopHandle;
let bob: HardlineClient;
let carol: HardlineClient;

beforeAll(async () => {
  org = await startOrgWithSignedHop('held-linked', ['bob', 'carol']);
  ({ relay, key, hop } = org);
  [bob, carol] = org.members as [HardlineClient, HardlineClient];
}, 90_000);

afterAll(() => org?.close());

/** The link's own blob, where the two handshake calls go (deviceLinking.ts). */
function linkBlob(code: string): string {
  return linkKeys(splitLinkCode(splitInviteCode(code).code).secret!).blobId;
}

/** Anonymous calls that went straight from the device's address, its link handshake apart. */
const exposedBesides = (seen: Seen, blobId: string) => seen.direct.filter((d) => !d.endsWith(`/v1/blobs/${blobId}`));

describe('a device linked with a code naming the org key, at a relay that serves it a chain cut before the hop policy', () => {
  it('holds every anonymous action until its chain reaches the head its linking device handed over, then posts the held reply through the signed hop', async () => {
    const code = await bob.createLinkCode();
    const cut = withholdOrders(relay, AFTER_ORG_KEY);
    const { transport, seen } = watched(relay.url, hop.url);
    const laptop = await HardlineClient.register({ ...nodeClientOptions(tempDir('bob-laptop-held')), transport }, { server: relay.url, code, handle: 'bob' });
    org.keep(laptop);
    // Held from enrolment: it does not know yet which head to wait for.
    expect(laptop.orgPolicy().awaitingInvite).toBe(true);
    await bob.sync();
    await laptop.sync();
    // Certified, the head taken from the sealed answer; the chain it is served stops short of it.
    expect(laptop.orgPolicy().awaitingInvite).toBe(true);
    expect(laptop.orgPolicy().ingress).toBeUndefined();

    await expect(laptop.send('carol', 'first, from the laptop')).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    await expect(laptop.relay().turn.take()).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
    await expect(laptop.relay().getBlob('00'.repeat(16), new Uint8Array(32))).rejects.toMatchObject({ code: 'AWAITING_INVITE' });

    // Carol writes to Bob (both his devices); the laptop's reply is encrypted and queued, not posted.
    await carol.send('bob', 'hello bob');
    expect(await readTexts(laptop)).toContain('hello bob');
    await expect(laptop.send('carol', 'held reply')).rejects.toMatchObject({ code: 'AWAITING_INVITE', message: expect.stringMatching(/stay queued/) });
    expect(laptop.pendingOutbox()).toBeGreaterThan(0);
    await laptop.sync();
    expect(exposedBesides(seen, linkBlob(code))).toEqual([]);
    expect(seen.viaHop).toEqual([]);

    cut.restore();
    await laptop.sync();
    expect(laptop.orgPolicy().awaitingInvite).toBe(false);
    expect(laptop.orgPolicy().ingress).toBe(new URL(hop.url).toString());
    await laptop.flushOutbox();
    expect(laptop.pendingOutbox()).toBe(0);
    expect(await readTexts(carol)).toContain('held reply');
    expect(seen.viaHop.length).toBeGreaterThan(0);
    expect(exposedBesides(seen, linkBlob(code))).toEqual([]);
  }, 120_000);

  it('refuses an answer the relay altered: the device stays uncertified and held', async () => {
    const code = await bob.createLinkCode();
    const cut = withholdOrders(relay, AFTER_ORG_KEY);
    try {
      const { transport, seen } = watched(relay.url, hop.url);
      const tablet = await HardlineClient.register({ ...nodeClientOptions(tempDir('bob-tablet-altered')), transport }, { server: relay.url, code, handle: 'bob' });
      org.keep(tablet);
      await bob.sync();
      // The relay flips a byte of the sealed answer in its own store (where the head travels).
      const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
      try {
        const id = Buffer.from(linkBlob(code), 'hex');
        const row = db.prepare<[Buffer], { data: Buffer }>('SELECT data FROM blobs WHERE id = ?').get(id)!;
        const data = Buffer.from(row.data);
        data[40] = data[40]! ^ 0x01;
        db.prepare('UPDATE blobs SET data = ? WHERE id = ?').run(data, id);
      } finally {
        db.close();
      }
      await tablet.sync();
      expect(tablet.orgPolicy().awaitingInvite).toBe(true);
      // Not certified: the answer did not open, so nothing of it (the head included) was taken.
      await expect(tablet.send('carol', 'from the tablet')).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/not certified/) });
      await expect(tablet.relay().turn.take()).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
      expect(exposedBesides(seen, linkBlob(code))).toEqual([]);
      expect(seen.viaHop).toEqual([]);
    } finally {
      cut.restore();
    }
  }, 120_000);

  it('a linking device that still waits for its own invite answers only once its chain has reached it', async () => {
    const code = await orgInvite(relay, key, 'frank');
    const cut = withholdOrders(relay, AFTER_ORG_KEY);
    let restored = false;
    try {
      const frank = await HardlineClient.register(nodeClientOptions(tempDir('frank-waiting')), { server: relay.url, code, handle: 'frank' });
      org.keep(frank);
      await frank.sync();
      expect(frank.orgPolicy().awaitingInvite).toBe(true);
      const link = await frank.createLinkCode();
      const phone = await HardlineClient.register(nodeClientOptions(tempDir('frank-phone')), { server: relay.url, code: link, handle: 'frank' });
      org.keep(phone);
      await frank.sync();
      await phone.sync();
      // No answer yet: Frank's head would be the cut chain's, no better than the phone's own.
      await expect(phone.send('carol', 'from the phone')).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/not certified/) });
      cut.restore();
      restored = true;
      await frank.sync();
      await phone.sync();
      expect(frank.orgPolicy().awaitingInvite).toBe(false);
      expect(phone.orgPolicy().awaitingInvite).toBe(false);
      expect(phone.orgPolicy().ingress).toBe(new URL(hop.url).toString());
    } finally {
      if (!restored) cut.restore();
    }
  }, 120_000);

  it('a malformed head in an answer is refused when opened; a sound one comes through', async () => {
    const keys = linkKeys('ab'.repeat(16));
    const identity = newIdentityKey();
    const certificate = certifyDevice(identity, { handle: 'bob' as Handle, deviceId: '00'.repeat(16) as DeviceId, deviceKey: toBase64Url(new Uint8Array(32)) });
    const answer = (orgHead: unknown) => sealLinkMessage(keys, { t: 'link-response', certificate, identity, orgHead } as never);
    const head = { seq: 3, hash: 'cd'.repeat(32) };
    expect(await openLinkMessage(keys, await answer(head))).toMatchObject({ orgHead: head });
    for (const bad of [{ seq: -1, hash: head.hash }, { seq: 0, hash: head.hash }, { seq: 3, hash: 'zz' }, { seq: 3 }, 'head']) {
      await expect(openLinkMessage(keys, await answer(bad))).rejects.toBeInstanceOf(DecodeError);
    }
  });
});

describe('a device linked in an org with no org key', () => {
  it('waits for nothing and is not held', async () => {
    const plain = await startTestRelay('held-linked-no-key');
    try {
      const dan = await enrol(plain.url, plain.adminToken!, 'dan');
      const erin = await enrol(plain.url, plain.adminToken!, 'erin');
      org.keep(dan);
      org.keep(erin);
      await erin.sync();
      const { transport, seen } = watched(plain.url, hop.url);
      const phone = await linkDevice(dan, { home: tempDir('dan-phone'), client: { transport } });
      org.keep(phone);
      expect(phone.orgPolicy().awaitingInvite).toBe(false);
      await phone.send('erin', 'from the phone');
      expect(await readTexts(erin)).toContain('from the phone');
      // No hop anywhere: trust on first use, as before.
      expect(seen.direct.length).toBeGreaterThan(0);
    } finally {
      await plain.close();
    }
  }, 120_000);
});
