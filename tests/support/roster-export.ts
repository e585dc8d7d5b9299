/**
 * OneRoster 1.1 bulk exports written by code, for the tests and the roster
 * bench: a district with schools, homerooms, students and teachers, with the
 * quirks real SIS exports have (a byte-order mark, CRLF, every field
 * quoted, columns in another order, extra columns, odd dateLastModified)
 * switched on by choice. Change the model and write it again for a later
 * export: a leaver, a joiner, a rename, a homeroom move.
 */
import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';

export interface FixtureStudent {
  sourcedId: string;
  identifier: string;
  givenName: string;
  familyName: string;
  grade: string;
  /** The homeroom class's sourcedId. */
  homeroom: string;
  status?: 'active' | 'tobedeleted';
  enabledUser?: boolean;
}

export interface FixtureStaff {
  sourcedId: string;
  email: string;
  givenName: string;
  familyName: string;
  role: 'teacher' | 'administrator';
  homerooms: string[];
}

export interface FixtureSchool {
  sourcedId: string;
  name: string;
  homerooms: Array<{ sourcedId: string; title: string }>;
  students: FixtureStudent[];
  staff: FixtureStaff[];
}

export interface FixtureExport {
  schools: FixtureSchool[];
}

export interface Quirks {
  bom?: boolean;
  crlf?: boolean;
  quoteAll?: boolean;
  /** Columns written in reverse order, with an extra column the import does not know. */
  reorder?: boolean;
}

export const ALL_QUIRKS: Quirks = { bom: true, crlf: true, quoteAll: true, reorder: true };

/** Names with what real names have: accents, apostrophes, commas, quotes. */
const GIVEN = ['Zoë', 'Seán', 'Ana-María', 'Chloé', 'Björn', 'Amélie', 'Dara', 'Kwame', 'Léa', 'Noor', 'Ines', 'Tomás'];
const FAMILY = ["O'Brien", 'Núñez, Jr.', 'Müller', 'Da "Doc" Silva', 'Kowalczyk', 'Ngũgĩ', 'Łukasz', 'Zhang', 'Åberg', 'Smith'];

/** A district of `schools` schools with `students` students each, the same on every call. */
export function makeExport(options: { schools?: number; students?: number; homerooms?: number; names?: string[] } = {}): FixtureExport {
  const schoolCount = options.schools ?? 1;
  const perSchool = options.students ?? 24;
  const homeroomCount = options.homerooms ?? 4;
  const schools: FixtureSchool[] = [];
  for (let s = 0; s < schoolCount; s++) {
    const code = String.fromCharCode(65 + s);
    const homerooms = Array.from({ length: homeroomCount }, (_, h) => ({
      sourcedId: `class-${code}-hr-${h + 1}`,
      title: `${7 + (h % 6)}${String.fromCharCode(65 + Math.floor(h / 6))}`,
    }));
    const students = Array.from({ length: perSchool }, (_, i): FixtureStudent => ({
      sourcedId: `stu-${code}-${i + 1}`,
      identifier: String(500000 + s * 100000 + i + 1),
      givenName: GIVEN[i % GIVEN.length] as string,
      familyName: FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length] as string,
      grade: String(7 + (i % 6)).padStart(2, '0'),
      homeroom: (homerooms[i % homeroomCount] as { sourcedId: string }).sourcedId,
    }));
    const staff: FixtureStaff[] = homerooms.map((h, i) => ({
      sourcedId: `tea-${code}-${i + 1}`,
      email: `teacher${i + 1}.${code.toLowerCase()}@northfield.example`,
      givenName: GIVEN[(i + 3) % GIVEN.length] as string,
      familyName: FAMILY[(i + 2) % FAMILY.length] as string,
      role: 'teacher',
      homerooms: [h.sourcedId],
    }));
    staff.push({
      sourcedId: `adm-${code}-1`,
      email: `head.${code.toLowerCase()}@northfield.example`,
      givenName: 'Mary',
      familyName: 'Jackson',
      role: 'administrator',
      homerooms: [],
    });
    schools.push({
      sourcedId: `org-${code}`,
      name: options.names?.[s] ?? (s === 0 ? 'Northfield Academy' : `Northfield School ${code}`),
      homerooms,
      students,
      staff,
    });
  }
  return { schools };
}

function csvText(header: string[], rows: string[][], quirks: Quirks): string {
  const order = quirks.reorder ? [...header.keys()].reverse() : [...header.keys()];
  const head = quirks.reorder ? [...order.map((i) => header[i] as string), 'localExtra'] : header;
  const cell = (value: string): string => (quirks.quoteAll || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const eol = quirks.crlf ? '\r\n' : '\n';
  const lines = [
    head.map(cell).join(','),
    ...rows.map((row) => [...order.map((i) => row[i] ?? ''), ...(quirks.reorder ? ['x'] : [])].map(cell).join(',')),
  ];
  return (quirks.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

/** Odd but real: some SIS write dates without a time, or nothing at all. */
const MODIFIED = ['2026-08-30T04:11:09.000Z', '2026-08-30', '', '30/08/2026 04:11'];

/** The export's CSV files, by name. */
export function exportFiles(fixture: FixtureExport, quirks: Quirks = {}): Map<string, Uint8Array> {
  const text = new Map<string, string>();
  const modified = (i: number): string => MODIFIED[i % MODIFIED.length] as string;
  text.set(
    'manifest.csv',
    csvText(
      ['propertyName', 'value'],
      [
        ['manifest.version', '1.0'],
        ['oneroster.version', '1.1'],
        ...['academicSessions', 'classes', 'enrollments', 'orgs', 'users'].map((f) => [`file.${f}`, 'bulk']),
        ...['categories', 'classResources', 'courseResources', 'courses', 'demographics', 'lineItems', 'resources', 'results'].map((f) => [
          `file.${f}`,
          'absent',
        ]),
        ['source.systemName', 'Fixture SIS'],
      ],
      quirks,
    ),
  );
  const orgs = [['district-1', 'active', modified(0), 'Northfield District', 'district', 'D1', '']];
  for (const school of fixture.schools)
    orgs.push([school.sourcedId, 'active', modified(1), school.name, 'school', school.sourcedId.toUpperCase(), 'district-1']);
  text.set('orgs.csv', csvText(['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'], orgs, quirks));
  text.set(
    'academicSessions.csv',
    csvText(
      ['sourcedId', 'status', 'dateLastModified', 'title', 'type', 'startDate', 'endDate', 'parentSourcedId', 'schoolYear'],
      [['term-2026', 'active', modified(2), '2026–27', 'schoolYear', '2026-09-01', '2027-07-20', '', '2027']],
      quirks,
    ),
  );
  const classes: string[][] = [];
  const users: string[][] = [];
  const enrollments: string[][] = [];
  let n = 0;
  const userHeader = [
    'sourcedId',
    'status',
    'dateLastModified',
    'enabledUser',
    'orgSourcedIds',
    'role',
    'username',
    'userIds',
    'givenName',
    'familyName',
    'middleName',
    'identifier',
    'email',
    'sms',
    'phone',
    'agentSourcedIds',
    'grades',
    'password',
  ];
  for (const school of fixture.schools) {
    for (const h of school.homerooms)
      classes.push([
        h.sourcedId,
        'active',
        modified(n++),
        h.title,
        '',
        'course-hr',
        h.title,
        'homeroom',
        'Room 1',
        school.sourcedId,
        'term-2026',
        '',
        '',
        '',
      ]);
    const maths = `class-${school.sourcedId}-maths`;
    classes.push([
      maths,
      'active',
      modified(n++),
      'Maths',
      '',
      'course-maths',
      'MA1',
      'scheduled',
      'Room 9',
      school.sourcedId,
      'term-2026',
      'Maths',
      '',
      '1',
    ]);
    for (const s of school.students) {
      const status = s.status ?? 'active';
      users.push([
        s.sourcedId,
        status === 'active' ? '' : status,
        modified(n++),
        s.enabledUser === false ? 'false' : 'true',
        school.sourcedId,
        'student',
        `u${s.identifier}`,
        '',
        s.givenName,
        s.familyName,
        '',
        s.identifier,
        '',
        '',
        '',
        '',
        s.grade,
        '',
      ]);
      enrollments.push([
        `enr-${s.sourcedId}-hr`,
        'active',
        modified(n++),
        s.homeroom,
        school.sourcedId,
        s.sourcedId,
        'student',
        'false',
        '',
        '',
      ]);
      enrollments.push([
        `enr-${s.sourcedId}-ma`,
        'active',
        modified(n++),
        maths,
        school.sourcedId,
        s.sourcedId,
        'student',
        'false',
        '',
        '',
      ]);
    }
    for (const t of school.staff) {
      users.push([
        t.sourcedId,
        '',
        modified(n++),
        'TRUE',
        school.sourcedId,
        t.role,
        t.email,
        '',
        t.givenName,
        t.familyName,
        '',
        '',
        t.email,
        '',
        '',
        '',
        '',
        '',
      ]);
      for (const h of t.homerooms)
        enrollments.push([`enr-${t.sourcedId}-${h}`, 'active', modified(n++), h, school.sourcedId, t.sourcedId, 'teacher', 'true', '', '']);
    }
  }
  text.set(
    'classes.csv',
    csvText(
      [
        'sourcedId',
        'status',
        'dateLastModified',
        'title',
        'grades',
        'courseSourcedId',
        'classCode',
        'classType',
        'location',
        'schoolSourcedId',
        'termSourcedIds',
        'subjects',
        'subjectCodes',
        'periods',
      ],
      classes,
      quirks,
    ),
  );
  text.set('users.csv', csvText(userHeader, users, quirks));
  text.set(
    'enrollments.csv',
    csvText(
      [
        'sourcedId',
        'status',
        'dateLastModified',
        'classSourcedId',
        'schoolSourcedId',
        'userSourcedId',
        'role',
        'primary',
        'beginDate',
        'endDate',
      ],
      enrollments,
      quirks,
    ),
  );
  return new Map([...text].map(([name, body]) => [name, strToU8(body)]));
}

/** The files as a .zip, as an SIS hands them over (under a folder, as some do). */
export function zipExport(files: Map<string, Uint8Array>, folder = ''): Uint8Array {
  return zipSync(Object.fromEntries([...files].map(([name, bytes]) => [`${folder}${name}`, bytes])));
}

export function writeExportFolder(dir: string, files: Map<string, Uint8Array>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);
}

/** Replaces one file's text (a test's broken row). */
export function withFile(files: Map<string, Uint8Array>, name: string, body: string | Uint8Array): Map<string, Uint8Array> {
  const out = new Map(files);
  out.set(name, typeof body === 'string' ? strToU8(body) : body);
  return out;
}
