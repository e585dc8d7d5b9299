/**
 * Reads a OneRoster 1.1 bulk CSV export (https://www.imsglobal.org/oneroster-v11-final-csv-tables):
 * orgs of type `school` become schools; users with role student their
 * students (card number from `identifier`, matched on `sourcedId`); classes
 * with classType `homeroom` their homerooms; teachers and administrators
 * their staff accounts; enrollments link students and teachers to
 * homerooms. A user with enabledUser false or status tobedeleted is leaving.
 * dateLastModified, academic sessions, courses and other classes are read
 * past: the import needs none of them. Every problem is found, not only
 * the first, each with its file, row and column.
 */
import { type IncomingRoster, type IncomingSchool, type IncomingStaff, type IncomingStudent } from './incoming-roster.ts';
import type { ExportFiles } from './export-files.ts';
import { missingColumns, readCsv, rowNumber, type CsvTable } from './read-csv.ts';
import { problem, type RosterProblem } from './roster-problems.ts';

const REQUIRED: Record<string, readonly string[]> = {
  'orgs.csv': ['sourcedId', 'name', 'type'],
  'users.csv': ['sourcedId', 'enabledUser', 'orgSourcedIds', 'role', 'givenName', 'familyName', 'identifier'],
  'classes.csv': ['sourcedId', 'title', 'classType', 'schoolSourcedId'],
  'enrollments.csv': ['sourcedId', 'classSourcedId', 'userSourcedId', 'role'],
};
/** Read when present: the manifest says whether each file is bulk; academic sessions are not needed. */
const OPTIONAL = ['manifest.csv', 'academicsessions.csv'];

export function isOneRosterExport(files: ExportFiles): boolean {
  return files.has('users.csv') || files.has('orgs.csv') || files.has('manifest.csv');
}

const isLeaving = (row: Record<string, string>): boolean =>
  (row.status ?? '').toLowerCase() === 'tobedeleted' || (row.enableduser ?? 'true').toLowerCase() === 'false';
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** `school`: only the school org with this sourcedId or name (the command's --school). */
export function readOneRoster(files: ExportFiles, options: { school?: string } = {}): IncomingRoster {
  const problems: RosterProblem[] = [];
  const tables: Record<string, CsvTable> = {};
  for (const name of [...Object.keys(REQUIRED), ...OPTIONAL]) {
    const bytes = files.get(name);
    if (bytes === undefined) {
      if (REQUIRED[name]) problems.push(problem('missing-file', name));
      continue;
    }
    const read = readCsv(name, bytes);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const missing = REQUIRED[name] ? missingColumns(read.table, REQUIRED[name]) : [];
    problems.push(...missing);
    if (missing.length === 0) tables[name] = read.table;
  }
  const manifest = tables['manifest.csv'];
  if (manifest) {
    manifest.rows.forEach((row, i) => {
      const property = (row.propertyname ?? '').trim().toLowerCase();
      if (property.startsWith('file.') && (row.value ?? '').trim().toLowerCase() === 'delta')
        problems.push(problem('not-bulk', 'manifest.csv', rowNumber(i), 'value', `(${property.slice(5)}.csv)`));
    });
  }
  const orgs = tables['orgs.csv'];
  const users = tables['users.csv'];
  const classes = tables['classes.csv'];
  const enrollments = tables['enrollments.csv'];
  if (!orgs || !users || !classes || !enrollments) return { schools: [], problems };

  const orgIds = new Set<string>();
  const schoolOrgs: Array<{ sourceId: string; name: string }> = [];
  uniqueRows(orgs, problems).forEach(({ row, id }) => {
    orgIds.add(id);
    if ((row.type ?? '').toLowerCase() === 'school') schoolOrgs.push({ sourceId: id, name: row.name ?? '' });
  });
  const chosen =
    options.school === undefined ? schoolOrgs : schoolOrgs.filter((o) => o.sourceId === options.school || o.name === options.school);
  if (options.school !== undefined && chosen.length === 0)
    problems.push(problem('unknown-school', 'orgs.csv', null, 'name', `("${options.school}")`));
  else if (schoolOrgs.length === 0) problems.push(problem('no-school', 'orgs.csv', null, 'type'));
  const inScope = new Set(chosen.map((o) => o.sourceId));
  const schools = new Map<string, IncomingSchool>(
    chosen.map((o) => [
      o.sourceId,
      { sourceId: o.sourceId, name: o.name, students: [], leavingStudents: [], homerooms: [], staff: [], leavingStaff: [] },
    ]),
  );

  // Homeroom classes by sourcedId; other classes are known (enrollments may name them) but not kept.
  const classSchool = new Map<string, string>();
  const homeroomOf = new Map<string, { school: string; name: string }>();
  uniqueRows(classes, problems).forEach(({ row, id, index }) => {
    const school = (row.schoolsourcedid ?? '').trim();
    classSchool.set(id, school);
    if (!orgIds.has(school)) {
      problems.push(problem('unknown-org', 'classes.csv', rowNumber(index), 'schoolSourcedId', `("${school}")`));
      return;
    }
    if ((row.classtype ?? '').toLowerCase() !== 'homeroom') return;
    const name = row.title ?? '';
    const target = schools.get(school);
    homeroomOf.set(id, { school, name });
    if (!target) return;
    if (target.homerooms.some((h) => h.name === name))
      problems.push(problem('duplicate-homeroom', 'classes.csv', rowNumber(index), 'title', `("${name}")`));
    else target.homerooms.push({ sourceId: id, name });
  });

  type User = { row: Record<string, string>; index: number; schools: string[]; leaving: boolean; role: string };
  const usersById = new Map<string, User>();
  uniqueRows(users, problems).forEach(({ row, id, index }) => {
    const orgsOf = list(row.orgsourcedids);
    for (const org of orgsOf)
      if (!orgIds.has(org)) problems.push(problem('unknown-org', 'users.csv', rowNumber(index), 'orgSourcedIds', `("${org}")`));
    usersById.set(id, {
      row,
      index,
      schools: orgsOf.filter((org) => inScope.has(org)),
      leaving: isLeaving(row),
      role: (row.role ?? '').toLowerCase(),
    });
  });

  // Each student's first homeroom enrollment, and each teacher's homerooms, per school.
  const studentHomeroom = new Map<string, string>();
  const staffHomerooms = new Map<string, Set<string>>();
  uniqueRows(enrollments, problems).forEach(({ row, index }) => {
    if ((row.status ?? '').toLowerCase() === 'tobedeleted') return;
    const classId = (row.classsourcedid ?? '').trim();
    const userId = (row.usersourcedid ?? '').trim();
    const at = rowNumber(index);
    if (!classSchool.has(classId)) problems.push(problem('unknown-class', 'enrollments.csv', at, 'classSourcedId', `("${classId}")`));
    if (!usersById.has(userId)) problems.push(problem('unknown-user', 'enrollments.csv', at, 'userSourcedId', `("${userId}")`));
    const homeroom = homeroomOf.get(classId);
    if (!homeroom || !inScope.has(homeroom.school)) return;
    const key = `${homeroom.school}\u0000${userId}`;
    const role = (row.role ?? '').toLowerCase();
    if (role === 'student') {
      if (!studentHomeroom.has(key)) studentHomeroom.set(key, homeroom.name);
    } else if (role === 'teacher' || role === 'administrator') {
      const set = staffHomerooms.get(key) ?? new Set<string>();
      set.add(homeroom.name);
      staffHomerooms.set(key, set);
    }
  });

  for (const [id, user] of usersById) {
    const { row, index } = user;
    const at = rowNumber(index);
    const isStudent = user.role === 'student';
    const isStaff = user.role === 'teacher' || user.role === 'administrator';
    if (!isStudent && !isStaff) continue;
    for (const schoolId of user.schools) {
      const school = schools.get(schoolId);
      if (!school) continue;
      if (user.leaving) {
        (isStudent ? school.leavingStudents : school.leavingStaff).push(id);
        continue;
      }
      const givenName = row.givenname ?? '';
      const familyName = row.familyname ?? '';
      // OneRoster 1.1 requires both for every user; a name half missing would be printed so on the kiosk and the roll.
      if (givenName === '') problems.push(problem('missing-given-name', 'users.csv', at, 'givenName'));
      if (familyName === '') problems.push(problem('missing-family-name', 'users.csv', at, 'familyName'));
      if (isStudent) {
        const identifier = row.identifier ?? '';
        if (identifier === '') problems.push(problem('missing-identifier', 'users.csv', at, 'identifier'));
        const student: IncomingStudent = {
          file: 'users.csv',
          row: at,
          sourceId: id,
          studentNumber: identifier,
          givenName,
          familyName,
          grade: list(row.grades)[0] ?? null,
          homeroom: studentHomeroom.get(`${schoolId}\u0000${id}`) ?? '',
        };
        school.students.push(student);
      } else {
        const email = (row.email ?? '').trim().toLowerCase();
        if (email === '') problems.push(problem('missing-email', 'users.csv', at, 'email'));
        const staff: IncomingStaff = {
          file: 'users.csv',
          row: at,
          sourceId: id,
          email,
          givenName,
          familyName,
          role: user.role === 'administrator' ? 'admin' : 'teacher',
          homerooms: [...(staffHomerooms.get(`${schoolId}\u0000${id}`) ?? [])].sort(),
        };
        school.staff?.push(staff);
      }
    }
  }
  for (const school of schools.values()) problems.push(...duplicateStudents(school.students), ...duplicateEmails(school.staff ?? []));
  return { schools: [...schools.values()], problems };
}

/** Rows with a sourcedId, each id once; the rest become problems. */
function uniqueRows(table: CsvTable, problems: RosterProblem[]): Array<{ row: Record<string, string>; id: string; index: number }> {
  const seen = new Set<string>();
  const out: Array<{ row: Record<string, string>; id: string; index: number }> = [];
  table.rows.forEach((row, index) => {
    const id = (row.sourcedid ?? '').trim();
    if (id === '') problems.push(problem('missing-sourced-id', table.file, rowNumber(index), 'sourcedId'));
    else if (seen.has(id)) problems.push(problem('duplicate-sourced-id', table.file, rowNumber(index), 'sourcedId', `("${id}")`));
    else {
      seen.add(id);
      out.push({ row, id, index });
    }
  });
  return out;
}

export function duplicateStudents(students: readonly IncomingStudent[]): RosterProblem[] {
  const seen = new Map<string, IncomingStudent>();
  const out: RosterProblem[] = [];
  for (const s of students) {
    if (s.studentNumber === '') continue;
    const first = seen.get(s.studentNumber);
    if (first)
      out.push(
        problem(
          'duplicate-identifier',
          s.file,
          s.row,
          s.sourceId === null ? null : 'identifier',
          `The ID ${s.studentNumber} is on row ${first.row} and row ${s.row}.`,
        ),
      );
    else seen.set(s.studentNumber, s);
  }
  return out;
}

function duplicateEmails(staff: readonly IncomingStaff[]): RosterProblem[] {
  const seen = new Map<string, IncomingStaff>();
  const out: RosterProblem[] = [];
  for (const s of staff) {
    if (s.email === '') continue;
    const first = seen.get(s.email);
    if (first) out.push(problem('duplicate-email', s.file, s.row, 'email', `("${s.email}", as on row ${first.row})`));
    else seen.set(s.email, s);
  }
  return out;
}
