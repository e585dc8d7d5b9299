/**
 * What an import can find wrong with an export, before anything changes.
 * These are not HTTP errors: a preview lists every one (file, row, column),
 * and an import with any of them applies nothing. The HTTP answer that
 * refuses such an import is `roster-has-problems` in src/shared/error-codes.ts.
 * A code is a stable contract, like the error catalog's: add, never rename.
 */
export const ROSTER_PROBLEMS = {
  'not-utf8': 'This file is not UTF-8 text: save it again as "CSV UTF-8".',
  'bad-csv': 'This file is not readable as CSV (a quote may be left open).',
  'missing-file': 'The export lacks this file.',
  'missing-column': 'This file lacks a column the import needs.',
  'not-bulk': 'The manifest says this file holds only changes (delta); the import needs a whole (bulk) export.',
  'not-an-export': 'This is neither a OneRoster export (.zip or folder) nor a CSV file.',
  'missing-sourced-id': 'This row has no sourcedId.',
  'duplicate-sourced-id': 'Another row of this file has the same sourcedId.',
  'missing-identifier': 'This student has no ID (the number on their card).',
  'duplicate-identifier': 'Another student in this school has the same ID.',
  'identifier-taken': 'A student who is not in this export (or is leaving) already has this ID.',
  /** No longer reported: each empty name is its own problem (missing-given-name, missing-family-name). Kept, as codes are never taken back. */
  'missing-name': 'This person has neither a given nor a family name.',
  'missing-given-name': 'This person has no given name.',
  'missing-family-name': 'This person has no family name.',
  'missing-email': 'This member of staff has no email to sign in with.',
  'duplicate-email': 'Another member of staff in this export has the same email.',
  'email-taken': 'A Doorline account from another record already signs in with this email.',
  'unknown-org': 'This names an org that is not in orgs.csv.',
  'unknown-class': 'This enrollment names a class that is not in classes.csv.',
  'unknown-user': 'This enrollment names a user who is not in users.csv.',
  'duplicate-homeroom': 'Two homeroom classes of this school have the same title.',
  'homeroom-name-taken': 'Another homeroom of this school already has this title.',
  'no-school': 'The export has no school this import may change.',
  'unknown-school': 'No org of type school in the export has this name or sourcedId.',
  'time-zone-required': 'This import creates a school: give its time zone (--time-zone Europe/London, say).',
  'unknown-time-zone': 'This is not a time zone name this server knows (such as Europe/London).',
  'too-many-rows': 'This file has more rows than one import takes.',
} as const;

export type RosterProblemCode = keyof typeof ROSTER_PROBLEMS;

/** Where a problem is: the file, the spreadsheet row (the header is row 1) and the column, when it has them. */
export interface RosterProblem {
  file: string;
  row: number | null;
  column: string | null;
  code: RosterProblemCode;
  message: string;
}

export function problem(
  code: RosterProblemCode,
  file: string,
  row: number | null = null,
  column: string | null = null,
  detail?: string,
): RosterProblem {
  return { file, row, column, code, message: detail === undefined ? ROSTER_PROBLEMS[code] : `${ROSTER_PROBLEMS[code]} ${detail}` };
}
