/**
 * @module contactBook
 * The private contact book: its merge model, its encrypted blob form, and vCard import/export.
 */
export * from './contact.ts';
export * from './hybridClock.ts';
export * from './bookState.ts';
export * from './bookCodec.ts';
export * from './bookKeys.ts';
export * from './bookBlob.ts';
export * from './vCardImport.ts';
export * from './vCardExport.ts';
