/**
 * One CSV file of an export as rows of text, however the SIS or a
 * spreadsheet wrote it: a UTF-8 byte-order mark, CRLF or LF, every field
 * quoted or none, quotes and commas inside names, extra columns, columns in
 * any order, header names in any case. Bytes that are not UTF-8 are a
 * problem, not mojibake: a name read wrongly would be printed on the kiosk.
 */
import { parse } from 'csv-parse/sync';
import { problem, type RosterProblem } from './roster-problems.ts';

/** Rows one file may hold: a district's users.csv, with room to spare. */
export const MAX_ROWS = 200_000;

export interface CsvTable {
  file: string;
  /** The header as written, trimmed. */
  header: string[];
  /** Each row keyed by its header name in lower case; a missing cell reads as ''. */
  rows: Array<Record<string, string>>;
}

export type CsvResult = { ok: true; table: CsvTable } | { ok: false; problem: RosterProblem };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Spreadsheet row of the `index`th data row: the header is row 1. */
export const rowNumber = (index: number): number => index + 2;

export function readCsv(file: string, bytes: Uint8Array): CsvResult {
  let text: string;
  try {
    // The decoder drops a leading byte-order mark.
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: problem('not-utf8', file, badByteRow(bytes)) };
  }
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    return { ok: false, problem: problem('bad-csv', file, typeof line === 'number' ? line : null, null, (error as Error).message) };
  }
  const [head, ...body] = records;
  if (head === undefined) return { ok: true, table: { file, header: [], rows: [] } };
  if (body.length > MAX_ROWS)
    return { ok: false, problem: problem('too-many-rows', file, null, null, `It has ${body.length}; at most ${MAX_ROWS}.`) };
  const header = head.map((name) => name.trim());
  const keys = header.map((name) => name.toLowerCase());
  const rows = body.map((record) => {
    const row: Record<string, string> = {};
    keys.forEach((key, i) => {
      // With a duplicated header name, the first column wins.
      if (!Object.hasOwn(row, key)) row[key] = record[i] ?? '';
    });
    return row;
  });
  return { ok: true, table: { file, header, rows } };
}

/** The line of the first byte that is not UTF-8, so the problem points at it. */
function badByteRow(bytes: Uint8Array): number | null {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return null;
}

/** The columns of `required` the table lacks, each as a problem. */
export function missingColumns(table: CsvTable, required: readonly string[]): RosterProblem[] {
  const have = new Set(table.header.map((name) => name.toLowerCase()));
  return required.filter((name) => !have.has(name.toLowerCase())).map((name) => problem('missing-column', table.file, 1, name));
}
