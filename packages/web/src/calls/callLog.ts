/**
 * @module calls/callLog
 * How call-log entries read, in the chat and on the contact card.
 */
import type { ChatMessage } from '../session/chatModel.ts';
import type { HistoryEntry } from './callState.ts';

export function describeCall(e: HistoryEntry, peerName: string): string {
  if (e.direction === 'in') {
    if (e.outcome === 'answered') return `Call from ${peerName} · ${formatCallDuration(e.durationSec)}`;
    if (e.outcome === 'elsewhere') return `Call from ${peerName}, answered on another device`;
    return e.reason === 'declined' ? `Missed call from ${peerName} (declined)` : e.reason === 'busy' ? `Missed call from ${peerName} (you were on a call)` : `Missed call from ${peerName}`;
  }
  if (e.outcome === 'answered') return `Call to ${peerName} · ${formatCallDuration(e.durationSec)}`;
  if (e.outcome === 'cancelled') return `Cancelled call to ${peerName}`;
  if (e.reason === 'unreachable') return `${peerName} wasn’t reachable`;
  return e.reason === 'declined' ? `${peerName} declined your call` : e.reason === 'busy' ? `${peerName} was busy` : `${peerName} did not answer`;
}

/** "1:05", "12:00", "1:02:03". */
export function formatCallDuration(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The chat's messages with its calls merged in by time, as notice lines. */
export function withCallNotices(messages: readonly ChatMessage[], calls: readonly HistoryEntry[], peerName: string, me: string): ChatMessage[] {
  if (calls.length === 0) return [...messages];
  const notices: ChatMessage[] = calls.map((e) => ({
    id: `call:${e.callId}`,
    from: e.direction === 'in' ? e.peer : me,
    text: `${e.outcome === 'missed' ? '☎ ' : ''}${describeCall(e, peerName)}`,
    sentAt: e.at,
    receivedAt: e.at,
    mine: e.direction === 'out',
    notice: true,
  }));
  return [...messages, ...notices].sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}
