/**
 * The pure parts of call media: SFrame keys from MLS call keys (a sender's key is what every
 * receiver derives for its KID, and a new epoch changes every key), the quality grade from
 * getStats numbers, and how call-log lines read and merge into a chat.
 */
import { describe, expect, it } from 'vitest';
import { sframe } from '@hardline/protocol';
import { mediaKeys } from '../src/calls/mediaKeys.ts';
import { gradeQuality, sampleFromStats } from '../src/calls/quality.ts';
import { describeCall, formatCallDuration, withCallNotices } from '../src/calls/callLog.ts';

const secret = new Uint8Array(32).fill(9);
const members = [{ leafIndex: 0 }, { leafIndex: 1 }, { leafIndex: 3 }];
const CALL = '00112233445566778899aabb';

describe('media keys from MLS', () => {
  it('each side sends under its own KID, and the others receive with the same key', async () => {
    const a = mediaKeys({ epoch: 4n, epochSecret: secret, ownLeafIndex: 0, members }, CALL);
    const b = mediaKeys({ epoch: 4n, epochSecret: secret, ownLeafIndex: 1, members }, CALL);
    expect(a.send.kid).toBe(sframe.mlsSenderKid(4n, 0));
    expect(a.receive.map((r) => r.kid)).toEqual([sframe.mlsSenderKid(4n, 1), sframe.mlsSenderKid(4n, 3)]);
    expect(b.receive.find((r) => r.kid === a.send.kid)?.key).toEqual(a.send.key);
    // A frame Alice encrypts decrypts at Bob.
    const tx = new sframe.SFrameContext();
    const rx = new sframe.SFrameContext();
    await tx.addSendKey(a.send.kid, a.send.key);
    for (const r of b.receive) await rx.addReceiveKey(r.kid, r.key);
    const frame = new Uint8Array([0x78, 1, 2, 3]);
    expect((await rx.decrypt(await tx.encrypt(frame))).plaintext).toEqual(frame);
  });

  it('a new epoch gives new KIDs and keys; the wrong-key hook makes decryption fail', async () => {
    const e4 = mediaKeys({ epoch: 4n, epochSecret: secret, ownLeafIndex: 0, members }, CALL);
    const e5 = mediaKeys({ epoch: 5n, epochSecret: new Uint8Array(32).fill(1), ownLeafIndex: 0, members }, CALL);
    expect(e5.send.kid).not.toBe(e4.send.kid);
    expect(e5.send.key).not.toEqual(e4.send.key);
    const a = mediaKeys({ epoch: 4n, epochSecret: secret, ownLeafIndex: 0, members }, CALL);
    const wrong = mediaKeys({ epoch: 4n, epochSecret: secret, ownLeafIndex: 1, members }, CALL, { wrongReceiveKeys: true });
    const tx = new sframe.SFrameContext();
    const rx = new sframe.SFrameContext();
    await tx.addSendKey(a.send.kid, a.send.key);
    for (const r of wrong.receive) await rx.addReceiveKey(r.kid, r.key);
    await expect(rx.decrypt(await tx.encrypt(new Uint8Array(10)))).rejects.toMatchObject({ code: 'CRYPTO' });
  });
});

describe('connection quality', () => {
  it('grades by loss over the interval, jitter and RTT', () => {
    const s = (packetsReceived: number, packetsLost: number, jitter = 0.005, rtt: number | undefined = 0.02) => ({ packetsReceived, packetsLost, jitter, rtt });
    expect(gradeQuality(undefined, s(0, 0)).grade).toBe('unknown');
    expect(gradeQuality(s(100, 0), s(200, 1)).grade).toBe('good');
    expect(gradeQuality(s(100, 0), s(195, 5)).grade).toBe('fair');
    expect(gradeQuality(s(100, 0), s(180, 20)).grade).toBe('poor');
    expect(gradeQuality(s(100, 0), s(200, 0, 0.045)).grade).toBe('fair');
    expect(gradeQuality(s(100, 0), s(200, 0, 0.005, 0.8)).grade).toBe('poor');
    // Loss before the interval does not count against it.
    expect(gradeQuality(s(100, 50), s(200, 50)).lossPct).toBe(0);
  });

  it('reads inbound-rtp and the selected pair from a stats report', () => {
    const sample = sampleFromStats([
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 500, packetsLost: 3, jitter: 0.002 },
      { type: 'transport', selectedCandidatePairId: 'p1' },
      { type: 'candidate-pair', id: 'p1', currentRoundTripTime: 0.031 },
      { type: 'candidate-pair', id: 'p2', currentRoundTripTime: 0.5 },
    ]);
    expect(sample).toEqual({ packetsReceived: 500, packetsLost: 3, jitter: 0.002, rtt: 0.031 });
    expect(sampleFromStats([{ type: 'outbound-rtp' }])).toBeUndefined();
  });
});

describe('call log lines', () => {
  const base = { callId: 'c', conversationId: 'conv', peer: 'bob', at: '2026-11-28T10:00:00.000Z', durationSec: 0 } as const;
  it('reads as a phone would', () => {
    expect(describeCall({ ...base, direction: 'in', outcome: 'missed', reason: 'no-answer' }, 'Bob')).toBe('Missed call from Bob');
    expect(describeCall({ ...base, direction: 'in', outcome: 'missed', reason: 'declined' }, 'Bob')).toBe('Missed call from Bob (declined)');
    expect(describeCall({ ...base, direction: 'out', outcome: 'missed', reason: 'no-answer' }, 'Bob')).toBe('Bob did not answer');
    expect(describeCall({ ...base, direction: 'out', outcome: 'answered', reason: 'hangup', durationSec: 65 }, 'Bob')).toBe('Call to Bob · 1:05');
    expect(formatCallDuration(3723)).toBe('1:02:03');
  });

  it('merges into the chat by time', () => {
    const msg = (id: string, sentAt: string) => ({ id, from: 'bob', text: id, sentAt, receivedAt: sentAt, mine: false });
    const merged = withCallNotices([msg('m1', '2026-11-28T09:00:00.000Z'), msg('m2', '2026-11-28T11:00:00.000Z')], [{ ...base, direction: 'in', outcome: 'missed', reason: 'no-answer' }], 'Bob', 'alice');
    expect(merged.map((m) => m.id)).toEqual(['m1', 'call:c', 'm2']);
    expect(merged[1]).toMatchObject({ notice: true, text: '☎ Missed call from Bob' });
  });
});
