/**
 * @module calls/quality
 * A connection-quality grade from WebRTC statistics: packet loss over the last interval,
 * jitter and round-trip time. The thresholds follow what listeners notice with Opus: it hides
 * a few percent of loss and up to about 30 ms of jitter; beyond 300 ms round trip people
 * start talking over each other.
 */
export type QualityGrade = 'good' | 'fair' | 'poor' | 'unknown';

export type QualitySample = {
  /** Cumulative counters from inbound-rtp. */
  readonly packetsReceived: number;
  readonly packetsLost: number;
  /** Seconds, as getStats reports it. */
  readonly jitter: number;
  /** Seconds, from the selected candidate pair or remote-inbound-rtp; undefined when unknown. */
  readonly rtt: number | undefined;
};

export type Quality = { readonly grade: QualityGrade; readonly lossPct: number; readonly jitterMs: number; readonly rttMs: number | undefined };

export function gradeQuality(prev: QualitySample | undefined, now: QualitySample): Quality {
  const received = now.packetsReceived - (prev?.packetsReceived ?? 0);
  const lost = Math.max(0, now.packetsLost - (prev?.packetsLost ?? 0));
  const expected = received + lost;
  const lossPct = expected > 0 ? (100 * lost) / expected : 0;
  const jitterMs = now.jitter * 1000;
  const rttMs = now.rtt === undefined ? undefined : now.rtt * 1000;
  if (expected === 0) return { grade: 'unknown', lossPct, jitterMs, rttMs };
  const rtt = rttMs ?? 0;
  const grade: QualityGrade = lossPct > 10 || jitterMs > 60 || rtt > 600 ? 'poor' : lossPct > 3 || jitterMs > 30 || rtt > 300 ? 'fair' : 'good';
  return { grade, lossPct, jitterMs, rttMs };
}

/** Reads the numbers gradeQuality needs from an RTCStatsReport (or any iterable of stats). */
export function sampleFromStats(stats: Iterable<Record<string, unknown>>): QualitySample | undefined {
  let inbound: Record<string, unknown> | undefined;
  let pairRtt: number | undefined;
  let remoteRtt: number | undefined;
  let selectedPairId: string | undefined;
  const pairs = new Map<string, Record<string, unknown>>();
  for (const s of stats) {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s;
    else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') remoteRtt = s.roundTripTime;
    else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') selectedPairId = s.selectedCandidatePairId;
    else if (s.type === 'candidate-pair') pairs.set(String(s.id), s);
  }
  const pair = selectedPairId ? pairs.get(selectedPairId) : [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
  if (pair && typeof pair.currentRoundTripTime === 'number') pairRtt = pair.currentRoundTripTime;
  if (!inbound) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { packetsReceived: num(inbound.packetsReceived), packetsLost: num(inbound.packetsLost), jitter: num(inbound.jitter), rtt: pairRtt ?? remoteRtt };
}
