/**
 * @module ui/errorText
 * Turns an error into one sentence a person can act on. Codes, not message text, decide.
 */
import { ContactLimits, HardlineError, MAX_VCARD_ENTRIES } from '@hardline/protocol';
import { QueuedError } from '@hardline/client';
import { BookError } from '../contacts/contactBookAdapter.ts';
import { StorageError } from '../platform/storageError.ts';

export function enrolErrorText(e: unknown): string {
  if (e instanceof HardlineError) {
    switch (e.code) {
      case 'BAD_CODE':
        return 'That enrolment code was not accepted. It may be mistyped, already used or expired. Ask your security team for a new one.';
      case 'VALIDATION':
        return e.message.startsWith('invalid handle')
          ? 'Choose a handle of 2–32 characters: lower-case letters, digits, dot, dash or underscore.'
          : 'Check the code and handle, then try again.';
      case 'CONFLICT':
        return 'That handle is already taken. Choose another. If it is yours and you lost your device, ask your security team for a new invite for your handle.';
      case 'UNAVAILABLE':
        return 'The Hardline server cannot be reached. Check your connection and try again.';
    }
  }
  return errorText(e);
}

/**
 * Why a vCard import was refused. TOO_LARGE reaches here without saying which bound was hit
 * (entries in the file, or the book's total), so the sentence names both; the file-size bound
 * is checked, and named, before the file is read.
 */
export function importErrorText(e: unknown): string {
  if ((e instanceof BookError || e instanceof HardlineError) && e.code === 'TOO_LARGE') {
    return `That is more contacts than Hardline takes: at most ${count(MAX_VCARD_ENTRIES)} in one file, and ${count(ContactLimits.MAX_CONTACTS)} in the contact book in all.`;
  }
  return errorText(e);
}

const count = (n: number): string => n.toLocaleString('en');

export function errorText(e: unknown): string {
  if (e instanceof BookError) return e.message;
  if (e instanceof StorageError) return storageErrorText(e);
  if (e instanceof QueuedError) return 'None of their devices can receive messages right now. It is kept here and sent as soon as one can.';
  if (e instanceof HardlineError) {
    switch (e.code) {
      case 'UNAVAILABLE':
        return 'You are offline. It will be sent when the connection is back.';
      case 'REVOKED':
        return 'This device has been signed out.';
      case 'IDENTITY_CHANGED':
        return 'Their identity key changed, so this message was not sent. Compare safety numbers, accept the new key, then send it again.';
      case 'NOT_FOUND':
        return 'That person or conversation is not in your organisation’s directory.';
      case 'CONFLICT':
        return 'Someone else changed this conversation at the same moment. Try again.';
      case 'TOO_LARGE':
        return 'That is too large to send.';
      case 'VALIDATION':
        return `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`;
      default:
        return 'Something went wrong. Try again.';
    }
  }
  if (e instanceof Error && e.name === 'BookError') return e.message;
  return 'Something went wrong. Try again.';
}

/** Why this browser cannot keep Hardline's data (platform/keySlots.ts). */
function storageErrorText(e: StorageError): string {
  switch (e.code) {
    case 'KEY_FILE_UNAVAILABLE':
      return 'This browser does not let Hardline keep its keys on this device (a private window, or site storage blocked). Use a normal window of an up-to-date browser.';
    case 'KEY_FILE_FULL':
      return 'This browser’s Hardline key file is full. Reload the app; if this comes back, set this browser up again.';
    default:
      return 'This device’s saved data could not be opened. Reload the app.';
  }
}
