/**
 * Wire types of the roster import (`/api/roster-import/…`), with the guards
 * a page reads the answers with (leniently: a newer server may add fields).
 * Problem codes are the import's own list (src/server/roster/roster-problems.ts):
 * a page shows each problem's message and place, and never branches on them.
 */
import { expectArray, expectFields, expectInteger, expectString, fail } from './guard.ts';
import type { ProtocolVersion } from './protocol.ts';

export const ROSTER_FORMATS = ['oneroster', 'csv'] as const;
export type RosterFormat = (typeof ROSTER_FORMATS)[number];

/** The plain CSV's fields a person maps to the file's columns; the first three are needed. */
export const MAPPED_FIELDS = ['studentId', 'givenName', 'familyName', 'homeroom', 'grade'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];
export const REQUIRED_FIELDS: readonly MappedField[] = ['studentId', 'givenName', 'familyName'];

export interface RosterProblemLine {
  file: string;
  row: number | null;
  column: string | null;
  code: string;
  message: string;
}

export interface RosterCounts {
  new: number;
  changed: number;
  left: number;
  unchanged: number;
}

export interface RosterSchoolPreview {
  sourcedId: string | null;
  name: string;
  students: RosterCounts;
  homerooms: number;
  staff: RosterCounts;
  /** How many changed students changed in each field (studentNumber, name, grade, homeroom, sourcedId, returned). */
  fields: Record<string, number>;
  /** The first changed students, each with its fields before and after. */
  changed: Array<{
    studentNumber: string;
    name: string;
    fields: string[];
    before: Record<string, string | null>;
    after: Record<string, string | null>;
  }>;
  leaving: Array<{ studentNumber: string; name: string }>;
}

/** `POST /api/roster-import/preview` and `/apply`. */
export interface RosterPreview {
  v: ProtocolVersion;
  type: 'roster-preview';
  /** Send it back with the same file to apply exactly this. */
  previewId: string;
  applied: boolean;
  schools: RosterSchoolPreview[];
  problems: RosterProblemLine[];
}

/** `POST /api/roster-import/columns`: a plain CSV's header and first rows, to map. */
export interface RosterColumns {
  v: ProtocolVersion;
  type: 'roster-columns';
  header: string[];
  rows: string[][];
  rowCount: number;
  problems: RosterProblemLine[];
}

const count = (value: unknown, path: string): void => expectInteger(value, path, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'bad-response');

function assertCounts(value: unknown, path: string): asserts value is RosterCounts {
  expectFields(value, path, ['new', 'changed', 'left', 'unchanged']);
  for (const key of ['new', 'changed', 'left', 'unchanged'] as const) count(value[key], `${path}.${key}`);
}

function assertProblems(value: unknown, path: string): asserts value is RosterProblemLine[] {
  expectArray(value, path, 'bad-response');
  value.forEach((p, i) => {
    expectFields(p, `${path}[${i}]`, ['file', 'row', 'column', 'code', 'message']);
    expectString(p.message, `${path}[${i}].message`, { max: 2000 }, 'bad-response');
    expectString(p.file, `${path}[${i}].file`, { max: 200 }, 'bad-response');
  });
}

export function assertRosterPreview(value: unknown): asserts value is RosterPreview {
  expectFields(value, '$', ['type', 'previewId', 'applied', 'schools', 'problems']);
  if (value.type !== 'roster-preview') fail('bad-response', '$.type', 'must be "roster-preview"');
  expectString(value.previewId, '$.previewId', { min: 0, max: 128 }, 'bad-response');
  expectArray(value.schools, '$.schools', 'bad-response');
  value.schools.forEach((s, i) => {
    const path = `$.schools[${i}]`;
    expectFields(s, path, ['name', 'students', 'homerooms', 'staff', 'fields', 'changed', 'leaving']);
    expectString(s.name, `${path}.name`, { min: 0, max: 500 }, 'bad-response');
    assertCounts(s.students, `${path}.students`);
    assertCounts(s.staff, `${path}.staff`);
    count(s.homerooms, `${path}.homerooms`);
    expectArray(s.changed, `${path}.changed`, 'bad-response');
    expectArray(s.leaving, `${path}.leaving`, 'bad-response');
  });
  assertProblems(value.problems, '$.problems');
}

export function assertRosterColumns(value: unknown): asserts value is RosterColumns {
  expectFields(value, '$', ['type', 'header', 'rows', 'rowCount', 'problems']);
  if (value.type !== 'roster-columns') fail('bad-response', '$.type', 'must be "roster-columns"');
  expectArray(value.header, '$.header', 'bad-response');
  value.header.forEach((h, i) => expectString(h, `$.header[${i}]`, { min: 0, max: 500 }, 'bad-response'));
  expectArray(value.rows, '$.rows', 'bad-response');
  value.rows.forEach((r, i) => expectArray(r, `$.rows[${i}]`, 'bad-response'));
  count(value.rowCount, '$.rowCount');
  assertProblems(value.problems, '$.problems');
}
