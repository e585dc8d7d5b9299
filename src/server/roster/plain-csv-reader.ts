/**
 * A school without OneRoster sends one CSV of its students, in whatever
 * columns its spreadsheet has: the person names which column holds what
 * (the mapping) on a preview of the first rows, and the file is read with it.
 * Students match on the card number; the file is the whole roster.
 */
import type { IncomingRoster, IncomingStudent } from './incoming-roster.ts';
import { duplicateStudents } from './oneroster-reader.ts';
import { missingColumns, readCsv, rowNumber } from './read-csv.ts';
import { problem, type RosterProblem } from './roster-problems.ts';

export const PLAIN_CSV_FILE = 'roster.csv';

/** Header names of the file's columns for each field; homeroom and grade may be left out (they then stay as they are). */
export interface ColumnMapping {
  studentId: string;
  givenName: string;
  familyName: string;
  homeroom?: string | undefined;
  grade?: string | undefined;
}

export interface CsvSample {
  header: string[];
  rows: string[][];
  rowCount: number;
}

/** The header and first rows of a plain CSV, for the person to map its columns. */
export function sampleCsv(bytes: Uint8Array, rows = 5): { sample: CsvSample | null; problems: RosterProblem[] } {
  const read = readCsv(PLAIN_CSV_FILE, bytes);
  if (!read.ok) return { sample: null, problems: [read.problem] };
  const { header } = read.table;
  return {
    sample: {
      header,
      rows: read.table.rows.slice(0, rows).map((row) => header.map((name) => row[name.toLowerCase()] ?? '')),
      rowCount: read.table.rows.length,
    },
    problems: [],
  };
}

export function readPlainCsv(bytes: Uint8Array, mapping: ColumnMapping, school: { name: string }): IncomingRoster {
  const read = readCsv(PLAIN_CSV_FILE, bytes);
  if (!read.ok) return { schools: [], problems: [read.problem] };
  const { table } = read;
  const named = [mapping.studentId, mapping.givenName, mapping.familyName, mapping.homeroom, mapping.grade].filter(
    (name): name is string => name !== undefined,
  );
  const missing = missingColumns(table, named);
  if (missing.length > 0) return { schools: [], problems: missing };
  const cell = (row: Record<string, string>, column: string | undefined): string | undefined =>
    column === undefined ? undefined : (row[column.toLowerCase()] ?? '');
  const problems: RosterProblem[] = [];
  const students: IncomingStudent[] = table.rows.map((row, index) => {
    const at = rowNumber(index);
    const studentNumber = cell(row, mapping.studentId) ?? '';
    const givenName = cell(row, mapping.givenName) ?? '';
    const familyName = cell(row, mapping.familyName) ?? '';
    if (studentNumber === '') problems.push(problem('missing-identifier', PLAIN_CSV_FILE, at, mapping.studentId));
    if (givenName === '') problems.push(problem('missing-given-name', PLAIN_CSV_FILE, at, mapping.givenName));
    if (familyName === '') problems.push(problem('missing-family-name', PLAIN_CSV_FILE, at, mapping.familyName));
    const grade = cell(row, mapping.grade);
    return {
      file: PLAIN_CSV_FILE,
      row: at,
      sourceId: null,
      studentNumber,
      givenName,
      familyName,
      grade: grade === undefined ? undefined : grade === '' ? null : grade,
      homeroom: cell(row, mapping.homeroom),
    };
  });
  for (const p of duplicateStudents(students)) problems.push({ ...p, column: mapping.studentId });
  return {
    schools: [{ sourceId: null, name: school.name, students, leavingStudents: [], homerooms: [], staff: null, leavingStaff: [] }],
    problems,
  };
}
