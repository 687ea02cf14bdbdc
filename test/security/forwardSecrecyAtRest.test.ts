/**
 * Forward secrecy at rest (docs/protocol.md §5): after a send, the device's state file holds
 * only the current MLS state of each conversation. An attacker who seizes the device and its
 * key file must not find a superseded state, from which the keys of earlier messages follow.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toHex } from '@hardline/protocol';
import { pairOnDisk, mlsStatesIn, stateOnDisk } from '../support/deviceOnDisk.ts';

const pair = pairOnDisk();

describe('MLS state in the state file', () => {
  it('after each send, the file holds one MLS state per conversation, and never a superseded one', async () => {
    await pair.alice.client.send('bob', 'one');
    const superseded: string[] = [];
    for (const text of ['two', 'three', 'four']) {
      const before = await stateOnDisk(pair.alice.home);
      const [conv] = Object.values(before.conversations);
      superseded.push(conv!.mlsState);
      await pair.alice.client.send('bob', text);
      const after = await stateOnDisk(pair.alice.home);
      const states = mlsStatesIn(after);
      expect(states).toEqual(Object.values(after.conversations).map((c) => c.mlsState));
      const file = JSON.stringify(after);
      for (const old of superseded) {
        expect(states).not.toContain(old);
        // Nor re-encoded: as hex or standard base64 of the same bytes.
        const bytes = fromBase64Url(old, 64 << 20);
        expect(file.includes(old)).toBe(false);
        expect(file.includes(toHex(bytes).slice(0, 256))).toBe(false);
        expect(file.includes(Buffer.from(bytes).toString('base64').slice(0, 256))).toBe(false);
      }
    }
    await pair.bob.client.sync();
    expect((await pair.bob.client.takeUnshown()).map((m) => m.text)).toEqual(['one', 'two', 'three', 'four']);
  });
});
