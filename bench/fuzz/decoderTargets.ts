/**
 * @module bench/fuzz/decoderTargets
 * One fuzz target per decoder of untrusted bytes or text in packages/protocol (and the relay's
 * inbox-frame parser): each gets random input and mutated valid encodings, and may only return
 * or throw a HardlineError. Stateful decoders (MLS, SFrame, sealed envelopes, the contact-book
 * blob) run against real keys and a real group, so mutated inputs reach their crypto checks.
 */
import fc from 'fast-check';
import type { ClientState } from 'ts-mls';
import {
  applyPatches,
  boxOpen,
  boxSeal,
  clientConfigWith,
  commitChanges,
  createConversationGroup,
  decodeAppMessage,
  decodeBook,
  decodeBundle,
  decodeEnvelope,
  decodeKeyPackage,
  decodePostFrame,
  decodePostReply,
  decodeRoster,
  decodeState,
  DEFAULT_SUITE,
  deriveBookKeys,
  deriveSealKey,
  EMPTY_BOOK,
  encodeAppMessage,
  encodeBook,
  encodeBundle,
  encodeEnvelope,
  encodePostFrame,
  encodePostReply,
  encodeRoster,
  encodeState,
  encryptApplication,
  loadSuite,
  messageEpoch,
  newKeyPackage,
  openBook,
  openEnvelope,
  parseDeviceCredential,
  parseVCards,
  PayloadKind,
  processIncoming,
  sealBook,
  sealEnvelope,
  sframe,
  toE164,
  type DeviceId,
  type EnvelopeId,
  type Handle,
  type MailboxId,
} from '@hardline/protocol';
import { parseInboxMessage } from '../../packages/server/src/ws/inboxMessages.ts';
import { bytesNear, target, textNear, typedOnly, typedOnlySync, type FuzzTarget } from './fuzzTarget.ts';

const MAILBOX = '0123456789abcdef0123456789abcdef' as MailboxId;
const ENVELOPE_ID = 'fedcba9876543210fedcba9876543210' as EnvelopeId;
const KEY = new Uint8Array(32).fill(7);
const acceptAll = clientConfigWith({ async validateCredential() { return true; } });

/** Valid encodings to mutate, and the keys and group state the stateful decoders need. */
async function fixtures() {
  const impl = await loadSuite(DEFAULT_SUITE);
  const dev = { handle: 'alice' as Handle, deviceId: 'a'.repeat(32) as DeviceId };
  const kp = await newKeyPackage(dev, await impl.signature.keygen(), impl);
  const group: ClientState = await createConversationGroup(new Uint8Array(16).fill(1), kp, impl, acceptAll);
  const app = await encryptApplication(group, encodeAppMessage({ t: 'text', id: 'm1', text: 'hello', sentAt: '2026-01-01T00:00:00.000Z' }), impl);
  const commit = await commitChanges(group, {}, impl);
  const sealKey = await deriveSealKey(KEY, 'seal', MAILBOX);
  const sealed = await sealEnvelope(sealKey, MAILBOX, ENVELOPE_ID, PayloadKind.MLS, app.message);
  const envelope = encodeEnvelope(sealed);
  const roster = encodeRoster({
    v: 1,
    kind: 'group',
    name: 'team',
    members: ['alice' as Handle, 'bob' as Handle],
    devices: [{ deviceId: dev.deviceId, handle: dev.handle, mailboxId: MAILBOX, sendCap: 'ab'.repeat(32) }],
    sealSecrets: ['cd'.repeat(32)],
    timer: { seconds: 3600, by: 'alice' as Handle, at: '2026-01-01T00:00:00.000Z', id: '0011223344556677' },
  });
  const book = applyPatches(EMPTY_BOOK, [
    { id: '0'.repeat(32), patch: { name: 'Anna Jansen', phones: ['+31620000001'], emails: ['anna@example.org'], notes: 'ok', favourite: true }, at: { t: 1_700_000_000_000, c: 0, d: 'abcdef012345' } },
  ]);
  const bookKeys = deriveBookKeys(KEY);
  const sframeKid = sframe.mlsSenderKid(5n, 1);
  const sframeKey = new Uint8Array(32).fill(3);
  const tx = new sframe.SFrameContext();
  await tx.addSendKey(sframeKid, sframeKey);
  return {
    impl,
    group,
    sealKey,
    sframeKid,
    sframeKey,
    bookKeys,
    seeds: {
      envelope,
      postFrame: encodePostFrame(new Uint8Array(32).fill(9), sealed),
      postReplies: [encodePostReply({ status: 'accepted', envelopeId: ENVELOPE_ID }), encodePostReply({ status: 'rejected', envelopeId: ENVELOPE_ID, code: 'BAD_CAPABILITY' })],
      bundle: encodeBundle({ mls: commit.commit, rosterBox: await boxSeal(KEY, roster) }),
      roster,
      appMessages: [
        encodeAppMessage({ t: 'text', id: 'm1', text: 'héllo', sentAt: '2026-01-01T00:00:00.000Z', part: 0, parts: 2 }),
        encodeAppMessage({ t: 'call', id: 'c1', callId: '00112233445566778899aabb', op: 'offer', sdp: 'v=0', sentAt: '2026-01-01T00:00:00.000Z' }),
        encodeAppMessage({ t: 'receipt', id: 'r1', ids: ['m1', 'm2'], sentAt: '2026-01-01T00:00:00.000Z' }),
        encodeAppMessage({ t: 'book-key', id: 'b1', key: 'ef'.repeat(32), generation: 3, sentAt: '2026-01-01T00:00:00.000Z' }),
      ],
      book: encodeBook(book),
      bookBlob: await sealBook(bookKeys, book),
      box: await boxSeal(KEY, roster),
      keyPackage: kp.bytes,
      mls: [app.message, commit.commit],
      state: encodeState(group),
      sframe: [await tx.encrypt(new Uint8Array(60).fill(1)), await tx.encrypt(new Uint8Array(200).fill(2))],
      inbox: ['{"type":"auth","token":"abc"}', `{"type":"subscribe","mailboxes":[{"id":"${MAILBOX}","readCap":"${'A'.repeat(43)}"}]}`, `{"type":"ack","items":[["${MAILBOX}","${ENVELOPE_ID}"]]}`],
      vcards: [
        'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Chloé Bakker\r\nN:Bakker;Chloé;;;\r\nTEL;TYPE=CELL:+31 6 20000001\r\nEMAIL;TYPE=INTERNET:c@example.org\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9=\r\n more\r\nEND:VCARD\r\n',
        'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Daan\r\nTEL;VALUE=uri;TYPE=cell:tel:+31620000002\r\nX-HARDLINE:daan\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\nEND:VCARD',
      ],
      phones: ['+31 6 2000 0001', '(020) 555-0101', '06-12345678', '+1 (415) 555 0100 ext 12'],
    },
  };
}

export async function decoderTargets(): Promise<FuzzTarget[]> {
  const f = await fixtures();
  const s = f.seeds;
  const rx = new sframe.SFrameContext();
  await rx.addReceiveKey(f.sframeKid, f.sframeKey);
  const small = 60_000;
  return [
    target({ name: 'envelope', runs: small, input: bytesNear([s.envelope], 300), check: (b) => typedOnlySync(() => decodeEnvelope(b)) }),
    target({ name: 'postFrame', runs: small, input: bytesNear([s.postFrame], 400), check: (b) => typedOnlySync(() => decodePostFrame(b)) }),
    target({ name: 'postReply', runs: small, input: bytesNear(s.postReplies, 100), check: (b) => typedOnlySync(() => decodePostReply(b)) }),
    target({ name: 'bundle', runs: small, input: bytesNear([s.bundle]), check: (b) => typedOnlySync(() => decodeBundle(b)) }),
    target({ name: 'roster', runs: small, input: bytesNear([s.roster]), check: (b) => typedOnlySync(() => decodeRoster(b)) }),
    target({ name: 'appMessage', runs: small, input: bytesNear(s.appMessages), check: (b) => typedOnlySync(() => decodeAppMessage(b)) }),
    target({ name: 'contactBook codec', runs: small, input: bytesNear([s.book]), check: (b) => typedOnlySync(() => decodeBook(b)) }),
    target({ name: 'contactBook blob', runs: 20_000, input: bytesNear([s.bookBlob], 64), check: (b) => typedOnly(() => openBook(f.bookKeys, b)) }),
    target({ name: 'roster box', runs: 30_000, input: bytesNear([s.box]), check: (b) => typedOnly(() => boxOpen(KEY, b)) }),
    target({ name: 'sealed envelope', runs: 30_000, input: bytesNear([s.envelope], 300), check: (b) => typedOnly(async () => openEnvelope(f.sealKey, decodeEnvelope(b))) }),
    target({ name: 'vCard import', runs: 40_000, input: textNear(s.vcards), check: (t) => typedOnlySync(() => parseVCards(t)) }),
    target({ name: 'phone number', runs: small, input: fc.tuple(textNear(s.phones, 40), fc.constantFrom('NL', 'US', 'DE', 'GB', 'ZZ', '')), check: ([t, c]) => typedOnlySync(() => toE164(t, c)) }),
    target({ name: 'sframe header', runs: small, input: bytesNear(s.sframe, 40), check: (b) => typedOnlySync(() => sframe.decodeHeader(b)) }),
    target({ name: 'sframe frame', runs: 40_000, input: bytesNear(s.sframe), check: (b) => typedOnly(() => rx.decrypt(b)) }),
    target({ name: 'keyPackage', runs: 30_000, input: bytesNear([s.keyPackage]), check: (b) => typedOnlySync(() => decodeKeyPackage(b)) }),
    target({
      name: 'device credential',
      runs: small,
      input: bytesNear([new TextEncoder().encode(`alice/${'a'.repeat(32)}`)], 140),
      check: (b) => typedOnlySync(() => parseDeviceCredential({ credentialType: 'basic', identity: b })),
    }),
    target({
      name: 'MLS message',
      runs: 20_000,
      input: bytesNear(s.mls),
      check: (b) =>
        typedOnly(async () => {
          messageEpoch(b);
          await processIncoming(f.group, b, f.impl);
        }),
    }),
    target({ name: 'group state', runs: 10_000, input: bytesNear([s.state], 64), check: (b) => typedOnlySync(() => decodeState(b, acceptAll)) }),
    target({ name: 'relay inbox frame', runs: small, input: textNear(s.inbox, 200), check: (t) => typedOnlySync(() => parseInboxMessage(t)) }),
  ];
}
