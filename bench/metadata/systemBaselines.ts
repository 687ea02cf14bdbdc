/**
 * @module systemBaselines
 * The three comparison systems, modelled from the same simulated messages, each as its
 * operator sees it:
 * - cellular call records: every record names both numbers;
 * - a naive relay: the sender posts over its authenticated session, so each post names sender
 *   and the recipient's account mailbox;
 * - a Signal-like relay: sealed sender (no sender on the post), one mailbox per account, and
 *   the recipient's phone, always connected, sends an automatic delivery receipt (itself sealed)
 *   into the sender's mailbox about a second after the message lands. Two views of the same
 *   events, as for Hardline's live operator: "live operator", the sealed envelopes alone (no
 *   post names its sender); and "live operator + source IPs", where each sealed send also
 *   carries the source address of the connection it came in on. That address is the sender's
 *   own (the phone's IP, the same one its authenticated connection comes from), because sealed
 *   sender hides the sender from the envelope, not from the TCP connection; it is what a
 *   Signal-like relay with no proxy in front of it really sees, whether or not it keeps it.
 */
import type { AdversaryView, Sighting } from './adversaryView.ts';
import { PRINCIPAL, type Population } from './population.ts';
import type { Random } from './random.ts';
import type { Schedule } from './trafficSchedule.ts';

/** Relay store-and-push latency, seconds. */
const RELAY_LATENCY = 0.2;
/** Wake, decrypt, send the receipt: seconds, plus an exponential tail. */
const RECEIPT_DELAY = 0.8;

function view(pop: Population, system: string, adversary: string, note: string, sightings: Sighting[]): AdversaryView {
  sightings.sort((a, b) => a.t - b.t);
  return { system, adversary, sightings, target: pop.handles[PRINCIPAL]!, candidates: pop.handles.filter((_, u) => u !== PRINCIPAL), note };
}

export function cellularBaseline(pop: Population, schedule: Schedule): AdversaryView {
  const s: Sighting[] = schedule.messages.flatMap((m) => m.to.map((r) => ({ t: m.t, src: pop.handles[m.from]!, dst: pop.handles[r]! })));
  return view(pop, 'Cellular', 'carrier records', 'one record per message (group: per recipient) naming both parties', s);
}

export function naiveRelayBaseline(pop: Population, schedule: Schedule): AdversaryView {
  const s: Sighting[] = schedule.messages.flatMap((m) => m.to.map((r) => ({ t: m.t + RELAY_LATENCY, src: pop.handles[m.from]!, dst: pop.handles[r]! })));
  return view(pop, 'Naive relay', 'live operator', 'authenticated sender posts into the recipient account mailbox', s);
}

/** Both Signal-like live-operator views, built from one draw of receipt delays. */
export function signalLikeBaselines(pop: Population, schedule: Schedule, rng: Random): [sealed: AdversaryView, withAddresses: AdversaryView] {
  const sealed: Sighting[] = [];
  const addressed: Sighting[] = [];
  for (const m of schedule.messages) {
    for (const r of m.to) {
      const landed = m.t + RELAY_LATENCY;
      const receipt = landed + RECEIPT_DELAY + rng.exp(0.5);
      const sender = pop.handles[m.from]!;
      const recipient = pop.handles[r]!;
      sealed.push({ t: landed, dst: recipient });
      sealed.push({ t: receipt, dst: sender });
      // The message comes in from the sender's address; the receipt from the recipient's.
      addressed.push({ t: landed, src: sender, dst: recipient });
      addressed.push({ t: receipt, src: recipient, dst: sender });
    }
  }
  return [
    view(pop, 'Signal-like', 'live operator', 'sealed posts into account mailboxes; immediate automatic delivery receipts', sealed),
    view(pop, 'Signal-like', 'live operator + source IPs', 'as "live operator", each sealed send labelled with its source address (the sending phone)', addressed),
  ];
}
