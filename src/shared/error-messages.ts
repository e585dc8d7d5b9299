/**
 * What each error code says to a person, in plain English: the server's
 * answers carry it as `message`, the command line prints it, and staff pages
 * fall back on it for a worker answer that has only a code. The kiosk page and
 * the worker never import this (their first install has a byte budget); they
 * speak by code, with the kiosk's own words in src/ui/kiosk-text.ts.
 */
import type { DoorlineError, ErrorCode } from './error-codes.ts';

export const ERROR_MESSAGES = {
  // Request-level: the whole request is refused, nothing is applied.
  'bad-json': 'The request body is not valid JSON.',
  'invalid-body': 'The request body does not match what this endpoint accepts.',
  'invalid-header': 'A request header does not match what this endpoint accepts.',
  'invalid-query': 'The query string does not match what this endpoint accepts.',
  'unsupported-version': 'This protocol version is not supported; reload the app.',
  'update-required': 'This device needs an update: reload the page.',
  'empty-body': 'The request needs a body.',
  'unsupported-media-type': 'Send the body as application/json (or the Doorline batch format to /api/sync).',
  'body-too-large': 'The request body is larger than the server accepts.',
  'inflated-too-large': 'The request body grows larger than the server accepts when it is decompressed.',
  'unsupported-encoding': 'Send the body uncompressed or gzip-compressed.',
  'bad-encoding': 'The compressed request body is corrupt.',
  'too-deep': 'The request body nests deeper than the server reads.',
  'body-not-expected': 'This endpoint takes no request body; send the request without one.',
  'headers-too-large': 'The request headers are larger than the server accepts.',
  'url-too-long': 'The address is longer than the server accepts.',
  'file-refused': 'This address does not name a file the server serves.',
  'malformed-request': 'The request could not be read as HTTP.',
  'request-timeout': 'The request arrived too slowly; send it again.',
  'device-taken': "This browser's device id already sends for someone else: sign out and in again, or clear this site's data.",
  'too-many-ops': 'The batch holds more operations than the server accepts at once.',
  'not-found': 'Nothing is here.',
  'method-not-allowed': 'This method is not allowed here.',
  'kiosk-not-found': 'This kiosk is not known to the server.',
  'device-unauthorized': 'This kiosk needs to be paired again.',
  'device-revoked': 'This kiosk was unpaired by the office.',
  'not-signed-in': 'Sign in first (or pair this kiosk).',
  'session-expired': 'Your session has ended; sign in again.',
  'sign-in-failed': 'That sign-in name and password do not match.',
  'too-many-attempts': 'Too many failed attempts; wait a few minutes and try again.',
  forbidden: 'Your role does not allow this.',
  'metrics-token-invalid': 'Send the metrics token (METRICS_TOKEN) as Authorization: Bearer TOKEN.',
  'origin-mismatch': "This request did not come from Doorline's own pages.",
  'password-change-required': 'Choose a new password before going on.',
  'weak-password':
    'Choose a stronger password: at least 10 characters, and not a common password, a keyboard run or one character repeated.',
  'no-school': 'This account is not linked to any school yet.',
  'school-not-found': 'That school is not one of yours.',
  'invalid-time-zone': 'That time zone is not one this server knows: choose one from the list.',
  'invalid-time': 'Write times as HH:MM on the 24-hour clock, such as 08:45.',
  'period-ends-before-start': 'A period must end after it starts.',
  'periods-overlap': 'Two periods overlap: each must end before the next one starts.',
  'duplicate-period': 'Two periods have the same name: give each its own.',
  'closure-ends-before-start': 'A closure cannot end before its first day.',
  'duplicate-reason': 'Two absence reasons are the same: each reason goes on the list once.',
  'pairing-code-invalid': 'That pairing code is not valid: it may be mistyped, used or expired.',
  'device-unpaired': 'This kiosk is not paired yet: ask an admin for a pairing code.',
  'device-not-revoked': 'This kiosk is still paired: it sends its own check-ins. Revoke it first to import its file.',
  'device-not-found': 'No such device in this school.',
  'conflict-not-found': 'No such conflict in this school.',
  'conflict-already-resolved': 'Someone has already resolved this conflict.',
  'student-not-found': 'No such student in this school.',
  'roster-has-problems': 'The roster was not imported: the export has problems (listed with their file, row and column). Nothing changed.',
  'roster-preview-stale':
    'The roster or the file changed since this preview; nothing was imported. Check the file again and apply the new preview.',
  'student-id-taken': 'Another student of this school already has that ID.',
  'student-already-left': 'This student has already left the school.',
  'student-not-left': 'This student has not left the school.',
  'staff-not-found': 'No such staff account in this school.',
  'email-taken': 'Another account already signs in with that email.',
  'unknown-homeroom': 'This school has no homeroom of that name.',
  'own-account': 'You cannot do this to your own account; ask another admin.',
  'last-admin': 'This is the school’s last admin: make someone else an admin first.',
  'account-deactivated': 'This account has been switched off; ask an admin of your school.',
  'kiosk-retired': 'This kiosk has been retired and cannot be paired or changed.',
  'kiosk-name-taken': 'Another kiosk of this school already has that name.',
  'server-busy': 'The server is busy; nothing from this request was read. Send it again after the Retry-After pause.',
  'sync-in-progress': 'This device already has a sync in progress; send this one after it, after the Retry-After pause.',
  'storage-full':
    "The server's disk is full; nothing from this request was saved. The device keeps it and sends it again after the Retry-After pause.",
  internal: 'The server failed; nothing from this request was saved.',

  // Per-operation: one op in a batch is refused, the rest are applied.
  'unknown-student': "This ID is not on the school's roster.",
  'op-identity-mismatch': 'This device sent a different operation under a sequence number it already used.',
  'time-out-of-range': 'The time of this operation is too far from the server clock.',
  'base-from-the-future':
    'This operation is based on a version of the record the server never issued; take the mark again from the current record.',
  'no-roll-call': 'No emergency roll call had been started when this student was ticked as found.',
  'unknown-reason': "This reason is not on the school's list of absence reasons.",

  // Client-side: the service worker's sync loop and the page.
  'network-error': 'The server could not be reached.',
  'server-error': 'The server answered with an error; the data stays queued.',
  'captive-portal': 'The network answered with a web page instead of the server (a sign-in page?).',
  'bad-response': 'The server answer could not be understood; the data stays queued.',

  // Configuration and start-up.
  'database-unsupported': 'This DATABASE_URL is not supported.',
  'invalid-config': 'The configuration is not valid.',
  'database-unreachable': 'The database named by DATABASE_URL cannot be reached.',

  // The command line's backup and restore.
  'not-a-backup': 'This file is not a Doorline database.',
  'backup-too-new': 'This backup was made by a newer Doorline: restore it with that version or a later one.',
  'database-in-use': 'A Doorline server has the database open: stop it before restoring.',
  'backup-needs-sqlite': 'A PostgreSQL database is backed up with pg_dump and restored with pg_restore.',
} as const satisfies Record<ErrorCode, string>;

/** The words for an error: its own if it has them, else its code's. */
export function messageOf(error: DoorlineError): string {
  return error.ownMessage ?? ERROR_MESSAGES[error.code];
}
