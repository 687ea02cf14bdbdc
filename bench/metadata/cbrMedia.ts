/**
 * @module cbrMedia
 * What one leg carries each way when its audio is sent at a constant bitrate, as the call
 * defences assume (allocationLifetimes.ts, coverLegs.ts): Opus CBR at 32 kbit/s in 20 ms frames,
 * silence included, so padding and speech look alike once SFrame has encrypted them. Per packet:
 * 80 B of Opus, about 20 B of SFrame (header and 16 B tag), 12 B RTP, 10 B SRTP tag, 4 B TURN
 * ChannelData, 8 B UDP, 20 B IPv4 = 154 B, 50 packets a second. TURN over TLS (which the
 * defences need, see docs/protocol.md §7) adds about 34 B a packet more; not counted here.
 */
import type { TurnLeg } from './turnView.ts';

export const CBR_BYTES_PER_SECOND = 154 * 50;

/** The legs with their audio at CBR: each way, the rate times the media's length. */
export function atConstantBitrate(legs: readonly TurnLeg[]): TurnLeg[] {
  return legs.map((l) => {
    const bytes = CBR_BYTES_PER_SECOND * (l.stop - l.start);
    return { ...l, up: bytes, down: bytes };
  });
}
