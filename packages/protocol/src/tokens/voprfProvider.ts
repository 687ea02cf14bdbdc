/**
 * @module voprfProvider
 * Points voprf-ts at @noble/curves before anything builds a group: its default provider (sjcl)
 * took 4.3 s to finalise 32 tokens on this machine, noble 1.2 s. voprf-ts reads the provider
 * when privacypass-ts first builds its VOPRF group, so this module must be imported first
 * (privacyPass.ts does so on its first line).
 */
import { Oprf } from '@cloudflare/voprf-ts';
import { CryptoNoble } from '@cloudflare/voprf-ts/crypto-noble';

Oprf.Crypto = CryptoNoble;
