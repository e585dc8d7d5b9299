/**
 * The one catalog of error codes. A code is a stable contract: clients branch
 * on it, people read `message`. Add codes; never rename or reuse one.
 * `retryable`: the server was not reached or not understood, or asked to be
 * asked again later (its answer's Retry-After says when), so the same request
 * is worth sending again; every other code waits for a person (or, for a size
 * refusal, for smaller requests).
 */
export const ERROR_CODES = {
  // Request-level: the whole request is refused, nothing is applied.
  'bad-json': { status: 400, message: 'The request body is not valid JSON.' },
  'invalid-body': { status: 400, message: 'The request body does not match what this endpoint accepts.' },
  'invalid-header': { status: 400, message: 'A request header does not match what this endpoint accepts.' },
  'invalid-query': { status: 400, message: 'The query string does not match what this endpoint accepts.' },
  'unsupported-version': { status: 400, message: 'This protocol version is not supported; reload the app.' },
  'update-required': { status: 400, message: 'This device needs an update: reload the page.' },
  'empty-body': { status: 400, message: 'The request needs a body.' },
  'unsupported-media-type': { status: 415, message: 'Send the body as application/json (or the Doorline batch format to /api/sync).' },
  'body-too-large': { status: 413, message: 'The request body is larger than the server accepts.' },
  'inflated-too-large': { status: 413, message: 'The request body grows larger than the server accepts when it is decompressed.' },
  'unsupported-encoding': { status: 415, message: 'Send the body uncompressed or gzip-compressed.' },
  'bad-encoding': { status: 400, message: 'The compressed request body is corrupt.' },
  'too-deep': { status: 400, message: 'The request body nests deeper than the server reads.' },
  'body-not-expected': { status: 400, message: 'This endpoint takes no request body; send the request without one.' },
  'headers-too-large': { status: 431, message: 'The request headers are larger than the server accepts.' },
  'url-too-long': { status: 414, message: 'The address is longer than the server accepts.' },
  'file-refused': { status: 400, message: 'This address does not name a file the server serves.' },
  'malformed-request': { status: 400, message: 'The request could not be read as HTTP.' },
  'request-timeout': { status: 408, message: 'The request arrived too slowly; send it again.' },
  'device-taken': {
    status: 409,
    message: "This browser's device id already sends for someone else: sign out and in again, or clear this site's data.",
  },
  'too-many-ops': { status: 413, message: 'The batch holds more operations than the server accepts at once.' },
  'not-found': { status: 404, message: 'Nothing is here.' },
  'method-not-allowed': { status: 405, message: 'This method is not allowed here.' },
  'kiosk-not-found': { status: 404, message: 'This kiosk is not known to the server.' },
  'device-unauthorized': { status: 401, message: 'This kiosk needs to be paired again.' },
  'device-revoked': { status: 403, message: 'This kiosk was unpaired by the office.' },
  'not-signed-in': { status: 401, message: 'Sign in first (or pair this kiosk).' },
  'session-expired': { status: 401, message: 'Your session has ended; sign in again.' },
  'sign-in-failed': { status: 401, message: 'That sign-in name and password do not match.' },
  'too-many-attempts': { status: 429, message: 'Too many failed attempts; wait a few minutes and try again.' },
  forbidden: { status: 403, message: 'Your role does not allow this.' },
  'metrics-token-invalid': { status: 401, message: 'Send the metrics token (METRICS_TOKEN) as Authorization: Bearer TOKEN.' },
  'origin-mismatch': { status: 403, message: "This request did not come from Doorline's own pages." },
  'password-change-required': { status: 403, message: 'Choose a new password before going on.' },
  'weak-password': {
    status: 400,
    message: 'Choose a stronger password: at least 10 characters, and not a common password, a keyboard run or one character repeated.',
  },
  'no-school': { status: 403, message: 'This account is not linked to any school yet.' },
  'school-not-found': { status: 404, message: 'That school is not one of yours.' },
  'invalid-time-zone': { status: 400, message: 'That time zone is not one this server knows: choose one from the list.' },
  'invalid-time': { status: 400, message: 'Write times as HH:MM on the 24-hour clock, such as 08:45.' },
  'period-ends-before-start': { status: 400, message: 'A period must end after it starts.' },
  'periods-overlap': { status: 400, message: 'Two periods overlap: each must end before the next one starts.' },
  'duplicate-period': { status: 400, message: 'Two periods have the same name: give each its own.' },
  'closure-ends-before-start': { status: 400, message: 'A closure cannot end before its first day.' },
  'pairing-code-invalid': { status: 400, message: 'That pairing code is not valid: it may be mistyped, used or expired.' },
  'device-unpaired': { status: 401, message: 'This kiosk is not paired yet: ask an admin for a pairing code.' },
  'device-in-other-school': { status: 409, message: 'This browser already sends for another school.' },
  'device-not-revoked': {
    status: 409,
    message: 'This kiosk is still paired: it sends its own check-ins. Revoke it first to import its file.',
  },
  'device-not-found': { status: 404, message: 'No such device in this school.' },
  'conflict-not-found': { status: 404, message: 'No such conflict in this school.' },
  'conflict-already-resolved': { status: 409, message: 'Someone has already resolved this conflict.' },
  'student-not-found': { status: 404, message: 'No such student in this school.' },
  'roster-has-problems': {
    status: 422,
    message: 'The roster was not imported: the export has problems (listed with their file, row and column). Nothing changed.',
  },
  'roster-preview-stale': {
    status: 409,
    message: 'The roster or the file changed since this preview; nothing was imported. Check the file again and apply the new preview.',
  },
  'student-id-taken': { status: 409, message: 'Another student of this school already has that ID.' },
  'student-already-left': { status: 409, message: 'This student has already left the school.' },
  'student-not-left': { status: 409, message: 'This student has not left the school.' },
  'staff-not-found': { status: 404, message: 'No such staff account in this school.' },
  'email-taken': { status: 409, message: 'Another account already signs in with that email.' },
  'unknown-homeroom': { status: 400, message: 'This school has no homeroom of that name.' },
  'own-account': { status: 409, message: 'You cannot do this to your own account; ask another admin.' },
  'last-admin': { status: 409, message: 'This is the school’s last admin: make someone else an admin first.' },
  'account-deactivated': { status: 403, message: 'This account has been switched off; ask an admin of your school.' },
  'kiosk-retired': { status: 409, message: 'This kiosk has been retired and cannot be paired or changed.' },
  'kiosk-name-taken': { status: 409, message: 'Another kiosk of this school already has that name.' },
  'server-busy': {
    status: 503,
    retryable: true,
    message: 'The server is busy; nothing from this request was read. Send it again after the Retry-After pause.',
  },
  'sync-in-progress': {
    status: 429,
    retryable: true,
    message: 'This device already has a sync in progress; send this one after it, after the Retry-After pause.',
  },
  internal: { status: 500, message: 'The server failed; nothing from this request was saved.' },

  // Per-operation: one op in a batch is refused, the rest are applied.
  'unknown-student': { status: 422, message: "This ID is not on the school's roster." },
  'op-identity-mismatch': { status: 409, message: 'This device sent a different operation under a sequence number it already used.' },
  'time-out-of-range': { status: 422, message: 'The time of this operation is too far from the server clock.' },
  'base-from-the-future': {
    status: 409,
    message: 'This operation is based on a version of the record the server never issued; take the mark again from the current record.',
  },

  // Client-side: the service worker's sync loop and the page.
  'network-error': { status: 0, retryable: true, message: 'The server could not be reached.' },
  'server-error': { status: 0, retryable: true, message: 'The server answered with an error; the data stays queued.' },
  'captive-portal': {
    status: 0,
    retryable: true,
    message: 'The network answered with a web page instead of the server (a sign-in page?).',
  },
  'bad-response': { status: 0, retryable: true, message: 'The server answer could not be understood; the data stays queued.' },

  // Configuration and start-up.
  'database-unsupported': { status: 0, message: 'This DATABASE_URL is not supported.' },
  'invalid-config': { status: 0, message: 'The configuration is not valid.' },
  'database-unreachable': { status: 0, message: 'The database named by DATABASE_URL cannot be reached.' },

  // The command line's backup and restore.
  'not-a-backup': { status: 0, message: 'This file is not a Doorline database.' },
  'backup-too-new': { status: 0, message: 'This backup was made by a newer Doorline: restore it with that version or a later one.' },
  'database-in-use': { status: 0, message: 'A Doorline server has the database open: stop it before restoring.' },
  'backup-needs-sqlite': { status: 0, message: 'A PostgreSQL database is backed up with pg_dump and restored with pg_restore.' },
} as const satisfies Record<string, { status: number; message: string; retryable?: true }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes the server may put on a single op's receipt. */
export const OP_ERROR_CODES = [
  'unknown-student',
  'op-identity-mismatch',
  'time-out-of-range',
  'base-from-the-future',
  'invalid-body',
] as const;
export type OpErrorCode = (typeof OP_ERROR_CODES)[number];

/** Whether a request that failed with this code is worth sending again as it is. */
export function isRetryable(code: ErrorCode): boolean {
  return (ERROR_CODES[code] as { retryable?: true }).retryable === true;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** An error with a stable code, thrown anywhere and translated once per boundary. */
export class DoorlineError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, details?: Record<string, unknown>, message?: string) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'DoorlineError';
    this.code = code;
    this.details = details;
  }

  /** The HTTP status for this code; 0 for codes that never leave a client. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** The JSON shape of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export function errorBody(error: DoorlineError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    },
  };
}
