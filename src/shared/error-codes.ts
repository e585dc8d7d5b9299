/**
 * The one catalog of error codes. A code is a stable contract: clients branch
 * on it, people read the words for it (the server's in error-messages.ts,
 * which answers carry as `message`; a page's own, by code). Add codes; never
 * rename or reuse one. The words stay out of this module, which the kiosk page
 * and the worker bundle: they are half its size, and those two speak by code.
 * `retryable`: the server was not reached or not understood, or asked to be
 * asked again later (its answer's Retry-After says when), so the same request
 * is worth sending again; every other code waits for a person (or, for a size
 * refusal, for smaller requests).
 */
export const ERROR_CODES = {
  // Request-level: the whole request is refused, nothing is applied.
  'bad-json': { status: 400 },
  'invalid-body': { status: 400 },
  'invalid-header': { status: 400 },
  'invalid-query': { status: 400 },
  'unsupported-version': { status: 400 },
  'update-required': { status: 400 },
  'empty-body': { status: 400 },
  'unsupported-media-type': { status: 415 },
  'body-too-large': { status: 413 },
  'inflated-too-large': { status: 413 },
  'unsupported-encoding': { status: 415 },
  'bad-encoding': { status: 400 },
  'too-deep': { status: 400 },
  'body-not-expected': { status: 400 },
  'headers-too-large': { status: 431 },
  'url-too-long': { status: 414 },
  'file-refused': { status: 400 },
  'malformed-request': { status: 400 },
  'request-timeout': { status: 408 },
  'device-taken': { status: 409 },
  'too-many-ops': { status: 413 },
  'not-found': { status: 404 },
  'method-not-allowed': { status: 405 },
  'kiosk-not-found': { status: 404 },
  'device-unauthorized': { status: 401 },
  'device-revoked': { status: 403 },
  'not-signed-in': { status: 401 },
  'session-expired': { status: 401 },
  'sign-in-failed': { status: 401 },
  'too-many-attempts': { status: 429 },
  forbidden: { status: 403 },
  'metrics-token-invalid': { status: 401 },
  'origin-mismatch': { status: 403 },
  'password-change-required': { status: 403 },
  'weak-password': { status: 400 },
  'no-school': { status: 403 },
  'school-not-found': { status: 404 },
  'invalid-time-zone': { status: 400 },
  'invalid-time': { status: 400 },
  'period-ends-before-start': { status: 400 },
  'periods-overlap': { status: 400 },
  'duplicate-period': { status: 400 },
  'closure-ends-before-start': { status: 400 },
  'duplicate-reason': { status: 400 },
  'pairing-code-invalid': { status: 400 },
  'device-unpaired': { status: 401 },
  'device-not-revoked': { status: 409 },
  'device-not-found': { status: 404 },
  'conflict-not-found': { status: 404 },
  'conflict-already-resolved': { status: 409 },
  'student-not-found': { status: 404 },
  'roster-has-problems': { status: 422 },
  'roster-preview-stale': { status: 409 },
  'student-id-taken': { status: 409 },
  'student-already-left': { status: 409 },
  'student-not-left': { status: 409 },
  'staff-not-found': { status: 404 },
  'email-taken': { status: 409 },
  'unknown-homeroom': { status: 400 },
  'own-account': { status: 409 },
  'last-admin': { status: 409 },
  'account-deactivated': { status: 403 },
  'kiosk-retired': { status: 409 },
  'kiosk-name-taken': { status: 409 },
  'server-busy': { status: 503, retryable: true },
  'sync-in-progress': { status: 429, retryable: true },
  'storage-full': { status: 503, retryable: true },
  internal: { status: 500 },

  // Per-operation: one op in a batch is refused, the rest are applied.
  'unknown-student': { status: 422 },
  'op-identity-mismatch': { status: 409 },
  'time-out-of-range': { status: 422 },
  'base-from-the-future': { status: 409 },
  'no-roll-call': { status: 409 },
  'unknown-reason': { status: 422 },

  // Client-side: the service worker's sync loop and the page.
  'network-error': { status: 0, retryable: true },
  'server-error': { status: 0, retryable: true },
  'captive-portal': { status: 0, retryable: true },
  'bad-response': { status: 0, retryable: true },

  // Configuration and start-up.
  'database-unsupported': { status: 0 },
  'invalid-config': { status: 0 },
  'database-unreachable': { status: 0 },

  // The command line's backup and restore.
  'not-a-backup': { status: 0 },
  'backup-too-new': { status: 0 },
  'database-in-use': { status: 0 },
  'backup-needs-sqlite': { status: 0 },
} as const satisfies Record<string, { status: number; retryable?: true }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes the server may put on a single op's receipt. */
export const OP_ERROR_CODES = [
  'unknown-student',
  'op-identity-mismatch',
  'time-out-of-range',
  'base-from-the-future',
  'invalid-body',
  'no-roll-call',
  'unknown-reason',
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
  /** Words for this one case, instead of its code's (error-messages.ts `messageOf`). */
  readonly ownMessage: string | undefined;

  constructor(code: ErrorCode, details?: Record<string, unknown>, message?: string) {
    super(message ?? code);
    this.name = 'DoorlineError';
    this.code = code;
    this.details = details;
    this.ownMessage = message;
  }

  /** The HTTP status for this code; 0 for codes that never leave a client. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/**
 * The JSON shape of every error response. The server's always carry a
 * message; the worker's answers to its own pages carry one only when the
 * error has its own words, and the page finds the words for the code.
 */
export interface ErrorBody {
  error: { code: ErrorCode; message?: string; details?: Record<string, unknown> };
}

export function errorBody(error: DoorlineError, message: string | undefined = error.ownMessage): ErrorBody {
  return {
    error: {
      code: error.code,
      ...(message === undefined ? {} : { message }),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}
