/**
 * The sealed payload (docs/protocol.md §3.1) from the relay's side: it holds every envelope and
 * may move, cut, splice or forge them. Payloads are also built here by a second implementation
 * of §3.1 on node:crypto, so the key derivation, the AAD and the inner layout are pinned to the
 * spec (another client version must open them), and so the edges a correct sealer never
 * produces (a lying length, an unknown kind, no padding) can be fed to openEnvelope.
 */
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  boxOpen,
  boxSeal,
  deriveSealKey,
  openEnvelope,
  PayloadKind,
  SEAL_OVERHEAD,
  sealEnvelope,
  type EnvelopeId,
  type MailboxId,
} from '../src/index.ts';

const mailboxId = '0a'.repeat(16) as MailboxId;
const otherMailbox = '0b'.repeat(16) as MailboxId;
const envelopeId = 'e1'.repeat(16) as EnvelopeId;
const ikm = Uint8Array.from({ length: 32 }, (_, i) => i);

/** §3.1 by hand: HKDF-SHA256(ikm, salt "", info "hardline/v1/<label>" || mailboxId), AES-256-GCM, AAD = envelope[0..33]. */
function specSeal(label: string, mbox: string, envId: string, inner: Uint8Array): Uint8Array {
  const key = Buffer.from(hkdfSync('sha256', ikm, new Uint8Array(0), Buffer.concat([Buffer.from(`hardline/v1/${label}`), Buffer.from(mbox, 'hex')]), 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.concat([Buffer.from([1]), Buffer.from(mbox, 'hex'), Buffer.from(envId, 'hex')]));
  return new Uint8Array(Buffer.concat([nonce, cipher.update(inner), cipher.final(), cipher.getAuthTag()]));
}

function inner(kind: number, declaredLength: number, body: Uint8Array, padding = 0): Uint8Array {
  const out = new Uint8Array(5 + body.length + padding);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, declaredLength);
  out.set(body, 5);
  return out;
}

const sealKey = () => deriveSealKey(ikm, 'seal', mailboxId);
const body = new TextEncoder().encode('meet at the north gate');

describe('seal: what the relay can do to a sealed payload', () => {
  it('opens to exactly the kind and body sealed, for every kind', async () => {
    const key = await sealKey();
    for (const kind of [PayloadKind.COVER, PayloadKind.MLS, PayloadKind.WELCOME_BUNDLE, PayloadKind.COMMIT_BUNDLE]) {
      const env = await sealEnvelope(key, mailboxId, envelopeId, kind, body);
      expect(env.mailboxId).toBe(mailboxId);
      expect(env.envelopeId).toBe(envelopeId);
      const opened = await openEnvelope(key, env);
      expect(opened.kind).toBe(kind);
      expect(opened.body).toEqual(body);
    }
  });

  it('pads to the smallest bucket that holds the body and the overhead', async () => {
    const key = await sealKey();
    const at = async (n: number) => (await sealEnvelope(key, mailboxId, envelopeId, PayloadKind.MLS, new Uint8Array(n))).payload.length;
    expect(await at(0)).toBe(256);
    expect(await at(256 - SEAL_OVERHEAD)).toBe(256);
    expect(await at(256 - SEAL_OVERHEAD + 1)).toBe(1024);
    expect(SEAL_OVERHEAD).toBe(12 + 16 + 5);
  });

  it('never reuses a nonce: the same body sealed twice shares no nonce and no ciphertext', async () => {
    const key = await sealKey();
    const a = await sealEnvelope(key, mailboxId, envelopeId, PayloadKind.MLS, body);
    const b = await sealEnvelope(key, mailboxId, envelopeId, PayloadKind.MLS, body);
    expect(a.payload.subarray(0, 12)).not.toEqual(b.payload.subarray(0, 12));
    expect(a.payload.subarray(12)).not.toEqual(b.payload.subarray(12));
  });

  it('a payload moved to another mailbox or another envelope id does not open', async () => {
    const key = await sealKey();
    const env = await sealEnvelope(key, mailboxId, envelopeId, PayloadKind.MLS, body);
    const code = { code: 'CRYPTO' };
    await expect(openEnvelope(key, { ...env, mailboxId: otherMailbox })).rejects.toMatchObject(code);
    await expect(openEnvelope(key, { ...env, envelopeId: 'e2'.repeat(16) as EnvelopeId })).rejects.toMatchObject(code);
  });

  it('a flipped bit anywhere in the payload does not open', async () => {
    const key = await sealKey();
    const env = await sealEnvelope(key, mailboxId, envelopeId, PayloadKind.MLS, body);
    for (const i of [0, 11, 12, 40, env.payload.length - 1]) {
      const payload = env.payload.slice();
      payload[i]! ^= 1;
      await expect(openEnvelope(key, { ...env, payload }), `byte ${i}`).rejects.toMatchObject({ code: 'CRYPTO' });
    }
  });

  it('keys are bound to their mailbox and their purpose', async () => {
    const env = await sealEnvelope(await sealKey(), mailboxId, envelopeId, PayloadKind.MLS, body);
    for (const key of [await deriveSealKey(ikm, 'kp-seal', mailboxId), await deriveSealKey(ikm, 'seal', otherMailbox), await deriveSealKey(new Uint8Array(32), 'seal', mailboxId)]) {
      await expect(openEnvelope(key, env)).rejects.toMatchObject({ code: 'CRYPTO' });
    }
  });

  it('the seal key cannot be exported by script that gets hold of the CryptoKey', async () => {
    const key = await sealKey();
    expect(key.extractable).toBe(false);
    await expect(globalThis.crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it('opens a payload sealed by a second implementation of §3.1, for both labels', async () => {
    for (const label of ['seal', 'kp-seal'] as const) {
      const env = { mailboxId, envelopeId, payload: specSeal(label, mailboxId, envelopeId, inner(PayloadKind.WELCOME_BUNDLE, body.length, body, 100)) };
      const opened = await openEnvelope(await deriveSealKey(ikm, label, mailboxId), env);
      expect(opened).toEqual({ kind: PayloadKind.WELCOME_BUNDLE, body });
    }
  });

  it('opens the smallest well-formed payload (empty body, no padding) and the one whose body fills it', async () => {
    const key = await sealKey();
    const empty = specSeal('seal', mailboxId, envelopeId, inner(PayloadKind.COVER, 0, new Uint8Array(0)));
    expect(empty.length).toBe(SEAL_OVERHEAD);
    expect(await openEnvelope(key, { mailboxId, envelopeId, payload: empty })).toEqual({ kind: PayloadKind.COVER, body: new Uint8Array(0) });
    const full = specSeal('seal', mailboxId, envelopeId, inner(PayloadKind.MLS, body.length, body));
    expect((await openEnvelope(key, { mailboxId, envelopeId, payload: full })).body).toEqual(body);
  });

  it('a truncated payload is a DecodeError, not a crash or an authentication failure', async () => {
    const key = await sealKey();
    for (const n of [0, 1, 27, SEAL_OVERHEAD - 1]) {
      await expect(openEnvelope(key, { mailboxId, envelopeId, payload: new Uint8Array(n) }), `${n} bytes`).rejects.toMatchObject({ code: 'DECODE' });
    }
  });

  it('an authentic inner header that claims more body than there is, or an unknown kind, is refused', async () => {
    const key = await sealKey();
    const open = (i: Uint8Array) => openEnvelope(key, { mailboxId, envelopeId, payload: specSeal('seal', mailboxId, envelopeId, i) });
    await expect(open(inner(PayloadKind.MLS, body.length + 1, body))).rejects.toMatchObject({ code: 'DECODE' });
    await expect(open(inner(PayloadKind.MLS, 0xffffffff, body, 10))).rejects.toMatchObject({ code: 'DECODE' });
    await expect(open(inner(PayloadKind.COMMIT_BUNDLE + 1, body.length, body))).rejects.toMatchObject({ code: 'DECODE' });
    await expect(open(inner(255, body.length, body))).rejects.toMatchObject({ code: 'DECODE' });
    expect((await open(inner(PayloadKind.COMMIT_BUNDLE, body.length, body))).kind).toBe(PayloadKind.COMMIT_BUNDLE);
  });
});

describe('box: the roster box under an exporter key', () => {
  const rawKey = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

  it('opens to exactly what was boxed, empty included, with a fresh nonce each time', async () => {
    const a = await boxSeal(rawKey, body);
    const b = await boxSeal(rawKey, body);
    expect(await boxOpen(rawKey, a)).toEqual(body);
    expect(a.subarray(0, 12)).not.toEqual(b.subarray(0, 12));
    const empty = await boxSeal(rawKey, new Uint8Array(0));
    expect(empty.length).toBe(12 + 16);
    expect(await boxOpen(rawKey, empty)).toEqual(new Uint8Array(0));
  });

  it('a tampered box or another epoch key does not open', async () => {
    const box = await boxSeal(rawKey, body);
    const tampered = box.slice();
    tampered[20]! ^= 0x80;
    await expect(boxOpen(rawKey, tampered)).rejects.toMatchObject({ code: 'CRYPTO' });
    await expect(boxOpen(new Uint8Array(32), box)).rejects.toMatchObject({ code: 'CRYPTO' });
  });

  it('a truncated box is a DecodeError', async () => {
    for (const n of [0, 12, 27]) await expect(boxOpen(rawKey, new Uint8Array(n)), `${n} bytes`).rejects.toMatchObject({ code: 'DECODE' });
  });
});
