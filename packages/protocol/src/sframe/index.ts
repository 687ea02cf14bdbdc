/**
 * @module sframe
 * SFrame (RFC 9605) end-to-end media frame encryption: header codec, key schedule, the five
 * registered cipher suites, stateless per-frame functions and a stateful per-call context.
 */
export { CipherSuites, cipherSuite, isCipherSuiteId } from './cipher-suite.ts';
export type { CipherSuiteId, CipherSuiteParams } from './cipher-suite.ts';
export { encodeHeader, decodeHeader, MAX_HEADER_SIZE } from './header.ts';
export type { SFrameHeader, DecodedHeader } from './header.ts';
export { deriveKeyMaterial } from './key-schedule.ts';
export type { SFrameKeyMaterial } from './key-schedule.ts';
export { formNonce } from './nonce.ts';
export { importAead } from './aead.ts';
export type { SFrameAead } from './aead.ts';
export { importSFrameKey } from './sframe-key.ts';
export type { SFrameKey } from './sframe-key.ts';
export { encryptFrame, decryptFrame, openFrame, MAX_SFRAME_SIZE, MAX_METADATA_SIZE } from './frame.ts';
export type { DecryptedFrame } from './frame.ts';
export { ReplayWindow, DEFAULT_REPLAY_WINDOW } from './replay-window.ts';
export { SFrameContext } from './context.ts';
export type { SFrameContextOptions } from './context.ts';
export * from './mls-keys.ts';
export * from './call-secret.ts';
