import { describe, expect, it } from 'vitest';
import type { IncomingSchool, IncomingStaff, IncomingStudent } from '../../src/server/roster/incoming-roster.ts';
import {
  diffRoster,
  planChanges,
  type CurrentRoster,
  type CurrentStaff,
  type CurrentStudent,
} from '../../src/server/roster/roster-diff.ts';

const SCHOOL = 'school-1';

const stored = (n: number, extra: Partial<CurrentStudent> = {}): CurrentStudent => ({
  id: `id-${n}`,
  student_number: String(1000 + n),
  source_id: `stu-${n}`,
  given_name: `Given${n}`,
  family_name: `Family${n}`,
  name: `Given${n} Family${n}`,
  grade: '07',
  homeroom: '7A',
  left_at: null,
  ...extra,
});

const incoming = (n: number, extra: Partial<IncomingStudent> = {}): IncomingStudent => ({
  file: 'users.csv',
  row: n + 1,
  sourceId: `stu-${n}`,
  studentNumber: String(1000 + n),
  givenName: `Given${n}`,
  familyName: `Family${n}`,
  grade: '07',
  homeroom: '7A',
  ...extra,
});

const teacher = (extra: Partial<IncomingStaff> = {}): IncomingStaff => ({
  file: 'users.csv',
  row: 50,
  sourceId: 'tea-1',
  email: 'grace@school.example',
  givenName: 'Grace',
  familyName: 'Hopper',
  role: 'teacher',
  homerooms: ['7A'],
  ...extra,
});

const account = (extra: Partial<CurrentStaff> = {}): CurrentStaff => ({
  id: 'staff-1',
  email: 'grace@school.example',
  name: 'Grace Hopper',
  role: 'teacher',
  source_id: 'tea-1',
  deactivated_at: null,
  schools: [SCHOOL],
  homerooms: ['7A'],
  ...extra,
});

function school(students: IncomingStudent[], staff: IncomingStaff[] | null = [], sourceId: string | null = 'org-1'): IncomingSchool {
  return {
    sourceId,
    name: 'School',
    students,
    leavingStudents: [],
    homerooms: [{ sourceId: 'hr-7a', name: '7A' }],
    staff,
    leavingStaff: [],
  };
}

const current = (students: CurrentStudent[], staff: CurrentStaff[] = []): CurrentRoster => ({
  schoolId: SCHOOL,
  students,
  homerooms: [{ name: '7A', source_id: 'hr-7a' }],
  staff,
});

describe('the roster diff', () => {
  it('finds nothing to do when the export matches what is stored', () => {
    const plan = diffRoster(current([stored(1), stored(2)], [account()]), school([incoming(1), incoming(2)], [teacher()]));
    expect(plan.students).toMatchObject({ added: [], changed: [], leaving: [], unchanged: 2 });
    expect(plan.staff).toMatchObject({ added: [], changed: [], leaving: [], unchanged: 1 });
    expect(planChanges(plan)).toBe(false);
  });

  const cases: Array<[string, CurrentStudent, IncomingStudent, string[]]> = [
    ['a new card number is an update, not a new student', stored(1), incoming(1, { studentNumber: '9999' }), ['studentNumber']],
    ['a rename', stored(1), incoming(1, { familyName: 'Other' }), ['name']],
    ['a homeroom move', stored(1), incoming(1, { homeroom: '7B' }), ['homeroom']],
    ['a new grade', stored(1), incoming(1, { grade: '08' }), ['grade']],
    ['a leaver who comes back', stored(1, { left_at: 5 }), incoming(1), ['returned']],
    ['a student stored before the SIS, linked by card number', stored(1, { source_id: null }), incoming(1), ['sourcedId']],
  ];
  it.each(cases)('sees %s', (_name, before, after, fields) => {
    const plan = diffRoster(current([before]), school([after]));
    expect(plan.problems).toEqual([]);
    expect(plan.students.added).toEqual([]);
    expect(plan.students.changed.map((c) => c.fields)).toEqual([fields]);
  });

  it('adds a joiner and marks an active student the export leaves out as leaving, not one who already left', () => {
    const plan = diffRoster(current([stored(1), stored(2), stored(3, { left_at: 1 })]), school([incoming(1), incoming(4)]));
    expect(plan.students.added.map((s) => s.student_number)).toEqual(['1004']);
    expect(plan.students.leaving.map((s) => s.id)).toEqual(['id-2']);
  });

  it('lets two students swap card numbers', () => {
    const plan = diffRoster(
      current([stored(1), stored(2)]),
      school([incoming(1, { studentNumber: '1002' }), incoming(2, { studentNumber: '1001' })]),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.students.changed.map((c) => c.after.student_number)).toEqual(['1002', '1001']);
  });

  it('refuses a card number still held by a student who is not in the export', () => {
    const plan = diffRoster(current([stored(1), stored(2, { left_at: 1 })]), school([incoming(1), incoming(5, { studentNumber: '1002' })]));
    expect(plan.problems).toEqual([expect.objectContaining({ code: 'identifier-taken', file: 'users.csv', row: 6, column: 'identifier' })]);
  });

  it('matches a plain CSV on card numbers and keeps the fields it does not name', () => {
    const plan = diffRoster(
      current([stored(1)]),
      school([incoming(1, { sourceId: null, grade: undefined, homeroom: undefined, givenName: 'New' })], null, null),
    );
    expect(plan.students.changed).toEqual([
      expect.objectContaining({ fields: ['name'], after: expect.objectContaining({ grade: '07', homeroom: '7A', source_id: 'stu-1' }) }),
    ]);
    expect(plan.staff).toBeNull();
  });

  it('renames a homeroom its class keeps, links one made before, and adds new ones', () => {
    const incomingSchool = {
      ...school([]),
      homerooms: [
        { sourceId: 'hr-7a', name: '7A (Room 4)' },
        { sourceId: 'hr-7b', name: '7B' },
        { sourceId: 'hr-7c', name: '7C' },
      ],
    };
    const plan = diffRoster(
      {
        ...current([]),
        homerooms: [
          { name: '7A', source_id: 'hr-7a' },
          { name: '7B', source_id: null },
        ],
      },
      incomingSchool,
    );
    expect(plan.homerooms).toEqual({
      renamed: [{ sourceId: 'hr-7a', from: '7A', to: '7A (Room 4)' }],
      linked: [{ sourceId: 'hr-7b', name: '7B' }],
      added: [{ sourceId: 'hr-7c', name: '7C' }],
      count: 3,
    });
  });

  it('adds, changes and lets go of staff accounts, never one made in Doorline', () => {
    const plan = diffRoster(
      current(
        [],
        [
          account(),
          account({ id: 'staff-2', email: 'gone@school.example', source_id: 'tea-2' }),
          account({ id: 'staff-3', email: 'shared@school.example', source_id: 'tea-3', schools: [SCHOOL, 'school-2'] }),
          account({ id: 'staff-4', email: 'made-here@school.example', source_id: null }),
        ],
      ),
      school([], [teacher({ homerooms: ['7B'], role: 'admin' }), teacher({ sourceId: 'tea-9', email: 'new@school.example' })]),
    );
    expect(plan.staff?.added.map((s) => s.email)).toEqual(['new@school.example']);
    expect(plan.staff?.changed).toEqual([expect.objectContaining({ id: 'staff-1', fields: ['role', 'homerooms'], homerooms: ['7B'] })]);
    expect(plan.staff?.leaving).toEqual([
      { id: 'staff-2', email: 'gone@school.example', deactivate: true },
      { id: 'staff-3', email: 'shared@school.example', deactivate: false },
    ]);
  });

  it('refuses an email another account already signs in with', () => {
    const plan = diffRoster(current([], [account({ id: 'staff-7', source_id: 'tea-7' })]), school([], [teacher({ sourceId: 'tea-1' })]));
    expect(plan.problems).toEqual([expect.objectContaining({ code: 'email-taken', file: 'users.csv', row: 50, column: 'email' })]);
  });
});
