/**
 * @module callTypeWords
 * Reads the words exports use for a record's direction and kind ("Incoming SMS", "Missed
 * call", "uitgaand", Android's numeric 1/2/3). One column often carries both, so each value
 * is split into words and every word is looked at.
 */
import { Directions, RecordKinds } from '../callRecord.ts';
import type { Direction, RecordKind } from '../callRecord.ts';

const DIRECTION_WORDS: Record<string, Direction> = {
  in: 'in', incoming: 'in', inbound: 'in', received: 'in', receive: 'in', recv: 'in', answered: 'in',
  inkomend: 'in', binnenkomend: 'in', ontvangen: 'in', eingehend: 'in', entrant: 'in', entrante: 'in', mt: 'in',
  out: 'out', outgoing: 'out', outbound: 'out', dialed: 'out', dialled: 'out', sent: 'out', originated: 'out',
  uitgaand: 'out', verzonden: 'out', ausgehend: 'out', sortant: 'out', saliente: 'out', mo: 'out',
  missed: 'missed', rejected: 'missed', declined: 'missed', blocked: 'missed', unanswered: 'missed',
  voicemail: 'missed', gemist: 'missed', verpasst: 'missed', manque: 'missed', perdida: 'missed',
};

const KIND_WORDS: Record<string, RecordKind> = {
  sms: 'sms', text: 'sms', message: 'sms', mms: 'sms', msg: 'sms', imessage: 'sms', bericht: 'sms', nachricht: 'sms',
  call: 'call', voice: 'call', phone: 'call', gesprek: 'call', anruf: 'call', appel: 'call', facetime: 'call', video: 'call',
};

/** Android's CallLog.Calls.TYPE values, also used by many CSV exporters. */
const ANDROID_TYPES: Record<string, Direction> = {
  '1': 'in', '2': 'out', '3': 'missed', '4': 'missed', '5': 'missed', '6': 'missed', '7': 'in',
};

export type TypeReading = { readonly direction?: Direction | undefined; readonly kind?: RecordKind | undefined };

const cache = new Map<string, TypeReading>();

export function readTypeWords(value: string): TypeReading {
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const s = value.trim().toLowerCase();
  let reading: TypeReading;
  if (Object.hasOwn(ANDROID_TYPES, s)) {
    reading = { direction: ANDROID_TYPES[s] };
  } else {
    let direction: Direction | undefined;
    let kind: RecordKind | undefined;
    for (const word of s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z]+/)) {
      // "missed" wins over "in" in "missed incoming call": the call did not connect.
      const d = Object.hasOwn(DIRECTION_WORDS, word) ? DIRECTION_WORDS[word] : undefined;
      if (d !== undefined && direction !== Directions.MISSED) direction = d;
      const k = Object.hasOwn(KIND_WORDS, word) ? KIND_WORDS[word] : undefined;
      if (k !== undefined && kind !== RecordKinds.SMS) kind = k;
    }
    reading = { direction, kind };
  }
  if (cache.size < 10_000) cache.set(value, reading);
  return reading;
}
