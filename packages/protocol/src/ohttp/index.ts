/**
 * @module ohttp
 * Oblivious HTTP (RFC 9458) over Binary HTTP (RFC 9292): what the client, the relay's gateway
 * and tests share. Pure: no I/O, no Node.
 */
export * from './varint.ts';
export * from './binaryHttp.ts';
export * from './keyConfig.ts';
export * from './encapsulation.ts';
