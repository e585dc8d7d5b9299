/**
 * The one place a staff page turns a refusal's stable code into a sentence
 * a person can act on. Codes that only one page meets are worded here too,
 * so the same code always reads the same way.
 */
import type { ErrorCode, OpErrorCode } from '../shared/error-codes.ts';

export interface Refusal {
  code: ErrorCode;
  /** The server's own sentence, used for codes without better words here. */
  message: string;
  details?: Record<string, unknown>;
}

/** "in 15 minutes", "in a minute", "in 40 seconds". */
export function waitText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'in a few minutes';
  if (seconds < 60) return `in ${Math.ceil(seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'in a minute' : `in ${minutes} minutes`;
}

export function refusalText({ code, message, details }: Refusal): string {
  switch (code) {
    case 'network-error':
      return 'The server cannot be reached. Check the network and try again.';
    case 'not-signed-in':
    case 'session-expired':
      return 'Your session has ended. Sign in again to go on.';
    case 'password-change-required':
      return 'Choose a new password before going on.';
    case 'forbidden':
      return 'Your account is not allowed to do this.';
    case 'sign-in-failed':
      return 'That sign-in name and password do not match.';
    case 'too-many-attempts':
      return `Too many failed attempts. Try again ${waitText(Number(details?.retryAfterSeconds ?? 0))}.`;
    case 'weak-password':
      return 'Choose a stronger password: at least 10 characters, and not a common password, a keyboard run or one character repeated.';
    case 'conflict-already-resolved':
      return 'Someone else settled this meanwhile. The list now shows what is still open.';
    case 'conflict-not-found':
      return 'That conflict is no longer there. The list now shows what is still open.';
    case 'device-not-found':
      return 'That device is no longer on this school’s list.';
    case 'unsupported-version':
    case 'update-required':
      return 'This page is out of date. Reload it and try again.';
    case 'bad-response':
      return 'The server’s answer could not be understood. Reload the page and try again.';
    case 'internal':
    case 'server-error':
      return 'The server failed and nothing was saved. Try again in a moment.';
    default:
      return message === '' ? `Something went wrong (${code}).` : message;
  }
}

/** Why the server refused an op for good, as a person reads it ("refused because …"). */
export const REFUSAL_WORDS: Readonly<Record<OpErrorCode, string>> = {
  'unknown-student': "the student is not on the school's roster",
  'time-out-of-range': "the device's clock was far wrong",
  'base-from-the-future': 'it was based on a version of the record the server never gave out',
  'invalid-body': 'it could not be read',
  'op-identity-mismatch': "the device's storage had been reset",
  'no-roll-call': 'no emergency roll call had been started',
  'unknown-reason': "its reason is not on the school's list",
};
