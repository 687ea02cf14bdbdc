/**
 * @module @hardline/protocol
 * Pure protocol core: envelope and frame codecs, padding, sealing, MLS wrapper. No I/O.
 */
export * from './errors.ts';
export * from './brand.ts';
export * from './bytes.ts';
export * from './padding.ts';
export * from './envelope.ts';
export * from './capability.ts';
export * from './postFrame.ts';
export * from './seal.ts';
export * from './roster.ts';
export * from './appMessage.ts';
export * from './longText.ts';
export * from './displayName.ts';
export * from './bundle.ts';
export * from './mls/ciphersuite.ts';
export * from './mls/deviceCredential.ts';
export * from './mls/certifiedAuthenticationService.ts';
export * from './mls/conversationGroup.ts';
export * from './mls/lastResortKeyPackage.ts';
export * from './mls/keyPackageCheck.ts';
export * as sframe from './sframe/index.ts';
export * from './phone/dialPlans.ts';
export * from './phone/phoneNumber.ts';
export * from './contactBook/index.ts';
export * from './identity/index.ts';
export * from './transparency/index.ts';
export * from './org/index.ts';
// Privacy Pass tokens are a subpath (`@hardline/protocol/tokens`): ~90 KB gzip of VOPRF code
// that the web app loads only when it first needs a token, not with the first page.
