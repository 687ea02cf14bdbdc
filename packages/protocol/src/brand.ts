/**
 * @module brand
 * Branded identifier types, so that a MailboxId can never be passed where a DeviceId is meant.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** 16 random bytes, hex. Assigned by the relay at enrolment. */
export type DeviceId = Brand<string, 'DeviceId'>;
/** 16 random bytes, hex. Assigned by the relay at enrolment. */
export type UserId = Brand<string, 'UserId'>;
/** Lower-case org handle, e.g. "alice". */
export type Handle = Brand<string, 'Handle'>;
/** 16 bytes, hex. Random or derived from a KeyPackage; never derived from an account. */
export type MailboxId = Brand<string, 'MailboxId'>;
/** 16 random bytes, hex, chosen by the sender for idempotent resends. */
export type EnvelopeId = Brand<string, 'EnvelopeId'>;
/** MLS group id, hex. Never leaves the MLS/seal layer. */
export type GroupId = Brand<string, 'GroupId'>;
