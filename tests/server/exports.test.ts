/**
 * The office exports a range of days as CSV files a spreadsheet opens as they are: every record with who marked it
 * and its notes, and the audit log; paged through the database rather than read whole, for its own school only.
 */
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PAGE, recordWords } from '../../src/server/exports.ts';
import { assertAttendanceReport } from '../../src/shared/attendance-report.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let office: Record<string, string>;
const MONDAY = Date.parse('2026-11-23T07:58:00Z');
const DAY = 86_400_000;
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'];

describe("the audit log's record in words", () => {
  const time = (at: number): string => new Date(at).toISOString().slice(11, 16);
  const at = (hhmm: string): number => Date.parse(`2026-11-23T${hhmm}:00Z`);
  it.each([
    ['no record yet', { status: null, checkInAt: null }, ''],
    ['an absence with its reason', { status: 'absent', statusReasonText: 'Illness' }, 'Absent (Illness)'],
    [
      'a day at the door, left early',
      { status: 'late', checkInAt: at('08:58'), checkOutAt: at('11:20'), checkOutReason: 'appointment' },
      'Late, in 08:58, out 11:20 (Appointment)',
    ],
    ['what this server did not write as JSON', 'not json', ''],
  ])('%s', (_, record, words) => {
    expect(recordWords(typeof record === 'string' ? record : JSON.stringify(record), time)).toBe(words);
  });
});

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
    office = await t.signIn('office');
    const students = (await t.db.selectFrom('students').select('student_number').where('school_id', '=', t.schoolId).execute()).map(
      (s) => s.student_number,
    );
    // Enough door scans over three days that the export takes more than one page.
    let seq = 0;
    for (const [d] of DAYS.entries()) {
      t.clock.now = MONDAY + d * DAY + 3_600_000;
      const ops = students.map((studentId, i) => ({
        seq: ++seq,
        kind: 'check-in',
        studentId,
        at: MONDAY + d * DAY + i * 1000,
        session: 'day',
        base: 0,
      }));
      for (let i = 0; i < ops.length; i += 1000) expect((await t.syncAsKiosk(ops.slice(i, i + 1000))).statusCode).toBe(200);
    }
    const notes = [
      { seq: ++seq, kind: 'note', studentId: '100001', text: 'Dentist at 2, "back after"', at: MONDAY + 60_000, session: 'day', base: 0 },
      {
        seq: ++seq,
        kind: 'note',
        studentId: '100002',
        text: '=HYPERLINK("http://example.com")',
        at: MONDAY + 120_000,
        session: 'day',
        base: 0,
      },
      { seq: ++seq, kind: 'check-out', studentId: '100001', at: MONDAY + 6 * 3_600_000, session: 'day', base: 0 },
    ];
    t.clock.now = MONDAY + 7 * 3_600_000;
    expect((await t.syncAsKiosk(notes)).statusCode).toBe(200);
    t.clock.now = MONDAY + 3 * DAY;
  });
  afterAll(async () => t.close());

  const get = (url: string, headers = office) => t.app.inject({ url, headers });
  const rowsOf = (body: string): string[][] => parse(body, { bom: true }) as string[][];

  it('exports every record of the range as quoted UTF-8 with a byte-order mark, in pages, with times in the school’s zone', async () => {
    const response = await get(`/api/exports/attendance.csv?from=${DAYS[0]}&to=${DAYS[2]}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="attendance-2026-11-23-to-2026-11-25.csv"');
    expect(response.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(response.body.split('\r\n')[0]).toBe(
      '\uFEFF"Student ID","Name","Homeroom","Date","Session","Status","Reason","Checked in","Checked out","Reason for leaving","Marked by","Notes"',
    );
    const rows = rowsOf(response.body);
    const students = await t.db.selectFrom('students').select('student_number').where('school_id', '=', t.schoolId).execute();
    expect(rows.length - 1).toBe(3 * students.length);
    expect(rows.length - 1).toBeGreaterThan(EXPORT_PAGE);
    const keys = rows.slice(1).map((r) => `${r[3]}|${r[0]}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ada = rows.find((r) => r[0] === '100001' && r[3] === DAYS[0]);
    expect(ada).toEqual([
      '100001',
      'Ada Lovelace',
      expect.any(String),
      '2026-11-23',
      'Whole day',
      'Present',
      '',
      '07:58',
      '13:58',
      '',
      'Main entrance',
      'Dentist at 2, "back after" (Main entrance, 07:59)',
    ]);
    // A cell a spreadsheet would run as a formula is kept as text.
    expect(rows.find((r) => r[0] === '100002' && r[3] === DAYS[0])?.[11]).toBe(`'=HYPERLINK("http://example.com") (Main entrance, 08:00)`);
    expect(rows.some((r) => r[3] === '2026-11-22' || r[3] === '2026-11-26')).toBe(false);
  });

  it('sends the same file gzipped to a browser that takes it', async () => {
    const plain = await get(`/api/exports/attendance.csv?from=${DAYS[1]}&to=${DAYS[1]}`);
    const zipped = await get(`/api/exports/attendance.csv?from=${DAYS[1]}&to=${DAYS[1]}`, { ...office, 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(plain.body);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
  });

  it('exports the audit log of the range: when, what, who, on which device, the record before and after in words', async () => {
    const response = await get(`/api/exports/audit.csv?from=${DAYS[0]}&to=${DAYS[0]}`);
    expect(response.statusCode).toBe(200);
    const rows = rowsOf(response.body);
    expect(rows[0]).toEqual([
      'Date',
      'Session',
      'Student ID',
      'Name',
      'When',
      'What',
      'Who',
      'As',
      'Device',
      'Rule',
      'Note',
      'Before',
      'After',
    ]);
    const ada = rows.filter((r) => r[2] === '100001');
    expect(ada[0]).toEqual([
      '2026-11-23',
      'Whole day',
      '100001',
      'Ada Lovelace',
      '2026-11-23 08:58',
      'Marked',
      'Main entrance',
      'Door',
      'Main entrance',
      '',
      '',
      '',
      'Present, in 07:58',
    ]);
    expect(rows.every((r, i) => i === 0 || r[0] === '2026-11-23')).toBe(true);
  });

  it('is for the office and admins of the school only, and refuses a range that is not one with a code', async () => {
    const teacher = await t.signIn('teacher');
    const refused = await get(`/api/exports/attendance.csv?from=${DAYS[0]}&to=${DAYS[2]}`, teacher);
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    const other = rowsOf((await get(`/api/exports/attendance.csv?from=${DAYS[0]}&to=${DAYS[2]}`, hill.as.office)).body);
    expect(other).toHaveLength(1);
    for (const [query, path] of [
      ['from=2026-11-25&to=2026-11-23', '$query.to'],
      ['from=2026-02-30&to=2026-03-01', '$query.from'],
      ['from=2026-11-23', '$query.to'],
      ['from=2016-01-01&to=2026-11-23', '$query.to'],
      ['from=yesterday&to=2026-11-23', '$query.from'],
    ] as const) {
      const bad = await get(`/api/exports/audit.csv?${query}`);
      expect([query, bad.statusCode, bad.json().error.code, bad.json().error.details.path]).toEqual([query, 400, 'invalid-query', path]);
    }
  });

  it('reports rates, persistent absence, lateness and the last 30 school days for the office', async () => {
    const response = await get(`/api/reports/attendance?from=${DAYS[0]}&to=${DAYS[2]}`);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ type: 'attendance-report', from: DAYS[0], to: DAYS[2], schoolDays: 3, persistentAbsence: [] });
    expect(() => assertAttendanceReport(report)).not.toThrow();
    const students = await t.db.selectFrom('students').select('student_number').where('school_id', '=', t.schoolId).execute();
    expect(report.students).toHaveLength(students.length);
    expect(report.students.find((s: { studentId: string }) => s.studentId === '100001')).toMatchObject({
      name: 'Ada Lovelace',
      possible: 3,
      present: 3,
      rate: 1,
    });
    expect(report.days).toHaveLength(30);
    const last = report.days.at(-1);
    expect([last.date, last.present + last.late, last.absent, last.excused]).toEqual([DAYS[2], students.length, 0, 0]);
    // Those scanned after the bell on all three days are late again and again.
    expect(report.repeatedLateness.length).toBe(report.students.filter((s: { late: number }) => s.late === 3).length);
    expect(report.repeatedLateness.length).toBeGreaterThan(0);
    expect(report.days.map((d: { date: string }) => d.date)).not.toContain('2026-11-22');
    const teacher = await t.signIn('teacher');
    expect((await get(`/api/reports/attendance?from=${DAYS[0]}&to=${DAYS[2]}`, teacher)).statusCode).toBe(403);
    const tooLong = await get('/api/reports/attendance?from=2025-01-01&to=2026-11-25');
    expect([tooLong.statusCode, tooLong.json().error.code]).toEqual([400, 'invalid-query']);
    const hillside = (await get(`/api/reports/attendance?from=${DAYS[0]}&to=${DAYS[2]}`, hill.as.office)).json();
    expect(hillside.students.every((s: { studentId: string }) => s.studentId.startsWith('2'))).toBe(true);
  });
});
