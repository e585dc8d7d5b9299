/**
 * The school's log of changes (students, staff, kiosks, settings, roll calls) as a CSV file for the office, in words,
 * for a range of the school's days and for its own school only.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeDetailsText } from '../../src/server/exports.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
const rowsOf = (body: string): string[][] => parse(body, { bom: true }) as string[][];
const RANGE = 'from=2026-11-23&to=2026-11-25';

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
  });
  afterAll(async () => t.close());

  const addStudent = async (at: number, body: Record<string, unknown>, path = '/api/students') => {
    t.clock.now = at;
    const admin = await t.signIn('admin');
    return t.app.inject({ method: 'POST', url: path, headers: admin, payload: body });
  };

  it('lists when, who, what, about whom and what changed, in words, for the days of the range', async () => {
    const student = { v: 1, studentId: 'N-7001', givenName: 'Grace', familyName: 'Hopper', homeroom: '7A', grade: '7' };
    // Tuesday 10:00 in the school's zone is inside the range; the Saturday after it is not.
    expect((await addStudent(Date.parse('2026-11-24T10:00:00Z'), student)).statusCode).toBe(201);
    expect(
      (await addStudent(Date.parse('2026-11-24T10:01:00Z'), { ...student, familyName: 'Hopper-Murray' }, '/api/students/N-7001'))
        .statusCode,
    ).toBe(200);
    expect((await addStudent(Date.parse('2026-11-28T10:00:00Z'), { ...student, studentId: 'N-7002', givenName: 'Alan' })).statusCode).toBe(
      201,
    );

    const response = await t.app.inject({ url: `/api/exports/changes.csv?${RANGE}`, headers: await t.signIn('office') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="changes-2026-11-23-to-2026-11-25.csv"');
    const rows = rowsOf(response.body);
    expect(rows[0]).toEqual(['When', 'Who', 'What', 'About', 'Details']);
    const about = rows.filter((r) => r[3]?.startsWith('N-700'));
    expect(about.map((r) => r.slice(1))).toEqual([
      ['Alan Turing', 'Student added', 'N-7001', 'Given name: Grace; Family name: Hopper; Homeroom: 7A; Grade: 7'],
      ['Alan Turing', 'Student changed', 'N-7001', 'Family name: Hopper → Hopper-Murray; Name: Grace Hopper → Grace Hopper-Murray'],
    ]);
    expect(about[0]?.[0]).toMatch(/^2026-11-24 \d\d:\d\d$/);
  });

  it("is for the office and admins of the school only: another school's office sees none of it, a teacher is refused", async () => {
    const other = rowsOf((await t.app.inject({ url: `/api/exports/changes.csv?${RANGE}`, headers: hill.as.office })).body);
    expect(other.filter((r) => r[3]?.startsWith('N-700'))).toEqual([]);
    const refused = await t.app.inject({ url: `/api/exports/changes.csv?${RANGE}`, headers: await t.signIn('teacher') });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    const bad = await t.app.inject({ url: '/api/exports/changes.csv?from=2026-11-25&to=2026-11-23', headers: await t.signIn('office') });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid-query']);
  });
});

describe("a change's details in words", () => {
  it('names who was still missing when a roll call ended, and how long it ran', () => {
    const details = {
      rollCallId: 'x',
      durationMs: 754_000,
      expected: 40,
      found: 38,
      missing: [
        { studentId: '100003', name: 'Cy Young', homeroom: '7A' },
        { studentId: '100004', name: 'Dee Dee', homeroom: '7B' },
      ],
    };
    expect(changeDetailsText('roll-call-ended', details)).toBe(
      'Ran 12 min 34 s; 2 of 40 still missing: Cy Young (100003), Dee Dee (100004)',
    );
    expect(changeDetailsText('roll-call-ended', { ...details, missing: [] })).toBe('Ran 12 min 34 s; everyone was found');
  });

  it('shows a settings change as before and after, and leaves out ids and a new school’s whole settings', () => {
    expect(changeDetailsText('settings-changed', { version: 3, changed: { bellTime: { from: '08:30', to: '08:45' } } })).toBe(
      'Settings version: 3; Bell: 08:30 → 08:45',
    );
    expect(changeDetailsText('school-created', { settings: { name: 'Riverside' } })).toBe('');
    expect(changeDetailsText('kiosk-retired', { kioskId: 'k1', revokedDevices: 2 })).toBe('Devices signed out: 2');
  });
});
