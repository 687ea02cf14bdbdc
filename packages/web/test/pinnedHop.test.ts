/**
 * @module pinnedHop.test
 * The pin's rules (session/pinnedHop.ts) on their own: the relay's announcement never moves a
 * pinned hop; only acceptance does; a hop where there was none is taken; and the sealed record,
 * read back, gives the pin or nothing (a record from before the pin pins its announcement).
 */
import { describe, expect, it } from 'vitest';
import { acceptAnnouncement, hopChange, pinAnnouncement, pinFromRecord, pinRecord } from '../src/session/pinnedHop.ts';

const HOP = 'https://hop.example.net/';
const OTHER = 'https://hop.relay.example.org/';

describe('an announcement against the pin', () => {
  it('first use pins what the relay names, a hop or none', () => {
    expect(pinAnnouncement(undefined, HOP)).toEqual({ pinned: HOP, announced: HOP });
    expect(pinAnnouncement(undefined, undefined)).toEqual({ pinned: undefined, announced: undefined });
  });

  it('a pinned hop stays when the relay names another or none, and the change is there to show', () => {
    const pin = Object.freeze({ pinned: HOP, announced: HOP });
    const swapped = pinAnnouncement(pin, OTHER);
    expect(swapped).toEqual({ pinned: HOP, announced: OTHER });
    expect(hopChange(swapped)).toEqual({ from: HOP, to: OTHER });
    expect(hopChange(pinAnnouncement(pin, undefined))).toEqual({ from: HOP, to: undefined });
    // The relay naming the pinned hop again ends the change.
    expect(hopChange(pinAnnouncement(swapped, HOP))).toBeUndefined();
  });

  it('no hop pinned: a hop the relay starts naming is taken as it comes', () => {
    expect(pinAnnouncement({ pinned: undefined, announced: undefined }, HOP)).toEqual({ pinned: HOP, announced: HOP });
  });

  it('accepting pins the announcement, none included', () => {
    expect(acceptAnnouncement({ pinned: HOP, announced: OTHER })).toEqual({ pinned: OTHER, announced: OTHER });
    expect(acceptAnnouncement({ pinned: HOP, announced: undefined })).toEqual({ pinned: undefined, announced: undefined });
  });
});

describe('the sealed record', () => {
  it('round-trips, and a record from before the pin pins its announcement', () => {
    const pin = { pinned: HOP, announced: undefined };
    expect(pinFromRecord(pinRecord(pin))).toEqual(pin);
    expect(pinFromRecord({ url: HOP })).toEqual({ pinned: HOP, announced: HOP });
    expect(pinFromRecord({ url: null })).toEqual({ pinned: undefined, announced: undefined });
  });

  it('anything else is not a pin', () => {
    for (const bad of [undefined, null, 'x', 1, [], {}, { url: 1 }, { url: HOP, pinned: 2 }, { url: HOP, pinned: {} }]) {
      expect(pinFromRecord(bad)).toBeUndefined();
    }
  });
});
