/**
 * @module @hardline/client
 * The client engine, platform-neutral. Node adapters live in `@hardline/client/node`.
 */
export * from './hardlineClient.ts';
export * from './conversationSettings.ts';
export * from './deviceState.ts';
export * from './relayApi.ts';
export { awaitingInviteOf, signedIngressOf } from './orgPolicy.ts';
export { AwaitingInviteError } from './ingressRoute.ts';
export { UnsentError } from './unsentError.ts';
export * from './turnCredentialCache.ts';
export * from './relayUrl.ts';
export * from './transport.ts';
export * from './poster.ts';
export * from './privacyLevel.ts';
export * from './inbox.ts';
export * from './contactBook/contactBookService.ts';
export * from './contactBook/directoryMatch.ts';
export type { StoredContactBook, KnownBookKey, BookDamage } from './contactBook/storedContactBook.ts';
