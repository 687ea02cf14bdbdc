/**
 * An app that imports privacypass-ts before @hardline/protocol: voprfProvider.ts can then no
 * longer pick the VOPRF provider, and groups from two providers would meet at the first token
 * and fail obscurely ("ProjectivePoint expected"). privacyPass.ts refuses to load instead, and
 * says what to do. This file must import privacypass-ts first and nothing of the protocol
 * package statically (each test file gets its own module graph).
 */
import { privateVerif } from '@cloudflare/privacypass-ts';
import { expect, it } from 'vitest';

it('privacyPass.ts refuses to load after privacypass-ts built its group with another provider', async () => {
  expect(privateVerif.VOPRF.group).toBeDefined();
  await expect(import('../src/tokens/privacyPass.ts')).rejects.toThrow(/import @hardline\/protocol first/);
});
