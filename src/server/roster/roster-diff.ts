/**
 * Compares a school's roster as an export gives it with what Doorline holds,
 * and says what an import would do: students new, changed (and in which
 * fields), leaving and unchanged; homerooms to add, rename or link to their
 * SIS id; staff accounts likewise. Pure: the caller reads the rows and
 * writes the plan (roster-apply.ts).
 *
 * Students match on the SIS's sourcedId, so a changed card number is an
 * update; a student Doorline holds without one (made before the school used
 * its SIS, or from a plain CSV) matches on the card number. An export is
 * the whole roster: an active student it leaves out is leaving. Nobody is
 * deleted; a leaver who comes back is changed (`returned`).
 */
import { fullName, type IncomingHomeroom, type IncomingSchool, type IncomingStaff, type IncomingStudent } from './incoming-roster.ts';
import { problem, type RosterProblem } from './roster-problems.ts';

export interface CurrentStudent {
  id: string;
  student_number: string;
  source_id: string | null;
  given_name: string;
  family_name: string;
  name: string;
  grade: string | null;
  homeroom: string;
  left_at: number | null;
}

export interface CurrentHomeroom {
  name: string;
  source_id: string | null;
}

export interface CurrentStaff {
  id: string;
  email: string;
  name: string;
  role: string;
  source_id: string | null;
  deactivated_at: number | null;
  /** Every school the account works for. */
  schools: string[];
  /** Its homerooms in this school. */
  homerooms: string[];
}

export interface CurrentRoster {
  schoolId: string;
  students: CurrentStudent[];
  homerooms: CurrentHomeroom[];
  /** Accounts the export may touch: those it names (by sourcedId or email) and those linked to the school from an import. */
  staff: CurrentStaff[];
}

export const STUDENT_FIELDS = ['studentNumber', 'name', 'grade', 'homeroom', 'sourcedId', 'returned'] as const;
export type StudentField = (typeof STUDENT_FIELDS)[number];
export const STAFF_FIELDS = ['email', 'name', 'role', 'sourcedId', 'returned', 'school', 'homerooms'] as const;
export type StaffField = (typeof STAFF_FIELDS)[number];

/** A student's row as the import writes it. */
export type StudentRow = Omit<CurrentStudent, 'id' | 'left_at'>;

export interface StudentChange {
  id: string;
  before: StudentRow;
  after: StudentRow;
  fields: StudentField[];
}

export interface StaffChange {
  id: string;
  incoming: IncomingStaff;
  fields: StaffField[];
  /** Homerooms in this school as they should be afterwards. */
  homerooms: string[];
}

export interface StaffLeaving {
  id: string;
  email: string;
  /** True when this was the account's only school: it is switched off, not only unlinked. */
  deactivate: boolean;
}

export interface RosterPlan {
  students: {
    added: StudentRow[];
    changed: StudentChange[];
    leaving: Array<{ id: string; student_number: string; name: string }>;
    unchanged: number;
  };
  homerooms: {
    added: IncomingHomeroom[];
    renamed: Array<{ sourceId: string; from: string; to: string }>;
    linked: IncomingHomeroom[];
    count: number;
  };
  /** Null when the export says nothing about staff. */
  staff: { added: IncomingStaff[]; changed: StaffChange[]; leaving: StaffLeaving[]; unchanged: number } | null;
  problems: RosterProblem[];
}

export interface PlanCounts {
  new: number;
  changed: number;
  left: number;
  unchanged: number;
}

export function studentCounts(plan: RosterPlan): PlanCounts {
  const s = plan.students;
  return { new: s.added.length, changed: s.changed.length, left: s.leaving.length, unchanged: s.unchanged };
}

export function staffCounts(plan: RosterPlan): PlanCounts {
  const s = plan.staff;
  return s
    ? { new: s.added.length, changed: s.changed.length, left: s.leaving.length, unchanged: s.unchanged }
    : { new: 0, changed: 0, left: 0, unchanged: 0 };
}

/** Whether applying the plan would change anything. */
export function planChanges(plan: RosterPlan): boolean {
  const { students: s, homerooms: h, staff } = plan;
  return (
    s.added.length + s.changed.length + s.leaving.length + h.added.length + h.renamed.length + h.linked.length > 0 ||
    (staff !== null && staff.added.length + staff.changed.length + staff.leaving.length > 0)
  );
}

export function diffRoster(current: CurrentRoster, incoming: IncomingSchool): RosterPlan {
  const problems: RosterProblem[] = [];
  const students = diffStudents(current.students, incoming, problems);
  const homerooms = diffHomerooms(current.homerooms, incoming, problems);
  const staff = incoming.staff === null ? null : diffStaff(current, incoming.staff, problems);
  return { students, homerooms, staff, problems };
}

function diffStudents(existing: readonly CurrentStudent[], incoming: IncomingSchool, problems: RosterProblem[]): RosterPlan['students'] {
  const bySource = new Map<string, CurrentStudent>();
  const byNumber = new Map<string, CurrentStudent>();
  for (const s of existing) {
    if (s.source_id !== null) bySource.set(s.source_id, s);
    byNumber.set(s.student_number, s);
  }
  const matched = new Map<IncomingStudent, CurrentStudent>();
  const taken = new Set<string>();
  for (const s of incoming.students) {
    let found = s.sourceId === null ? byNumber.get(s.studentNumber) : bySource.get(s.sourceId);
    // Linking a student made before the SIS, by the number on their card.
    if (found === undefined && s.sourceId !== null) {
      const candidate = byNumber.get(s.studentNumber);
      if (candidate && candidate.source_id === null) found = candidate;
    }
    if (found && !taken.has(found.id)) {
      matched.set(s, found);
      taken.add(found.id);
    }
  }
  // A number stays with a student the export does not match; nobody else may take it.
  const heldByOthers = new Map<string, CurrentStudent>();
  for (const s of existing) if (!taken.has(s.id)) heldByOthers.set(s.student_number, s);

  const added: StudentRow[] = [];
  const changed: StudentChange[] = [];
  let unchanged = 0;
  for (const s of incoming.students) {
    if (s.studentNumber === '') continue;
    const holder = heldByOthers.get(s.studentNumber);
    if (holder) {
      problems.push(
        problem('identifier-taken', s.file, s.row, s.sourceId === null ? null : 'identifier', `("${s.studentNumber}", ${holder.name})`),
      );
      continue;
    }
    const current = matched.get(s);
    if (!current) {
      added.push({
        student_number: s.studentNumber,
        source_id: s.sourceId,
        given_name: s.givenName,
        family_name: s.familyName,
        name: fullName(s.givenName, s.familyName),
        grade: s.grade ?? null,
        homeroom: s.homeroom ?? '',
      });
      continue;
    }
    const before: StudentRow = {
      student_number: current.student_number,
      source_id: current.source_id,
      given_name: current.given_name,
      family_name: current.family_name,
      name: current.name,
      grade: current.grade,
      homeroom: current.homeroom,
    };
    const after: StudentRow = {
      student_number: s.studentNumber,
      source_id: s.sourceId ?? current.source_id,
      given_name: s.givenName,
      family_name: s.familyName,
      name: fullName(s.givenName, s.familyName),
      grade: s.grade === undefined ? current.grade : s.grade,
      homeroom: s.homeroom === undefined ? current.homeroom : s.homeroom,
    };
    const fields: StudentField[] = [];
    if (after.student_number !== before.student_number) fields.push('studentNumber');
    if (after.given_name !== before.given_name || after.family_name !== before.family_name || after.name !== before.name)
      fields.push('name');
    if (after.grade !== before.grade) fields.push('grade');
    if (after.homeroom !== before.homeroom) fields.push('homeroom');
    if (after.source_id !== before.source_id) fields.push('sourcedId');
    if (current.left_at !== null) fields.push('returned');
    if (fields.length === 0) unchanged++;
    else changed.push({ id: current.id, before, after, fields });
  }
  const leaving = existing
    .filter((s) => s.left_at === null && !taken.has(s.id))
    .map((s) => ({ id: s.id, student_number: s.student_number, name: s.name }));
  return { added, changed, leaving, unchanged };
}

function diffHomerooms(existing: readonly CurrentHomeroom[], incoming: IncomingSchool, problems: RosterProblem[]): RosterPlan['homerooms'] {
  const wanted: IncomingHomeroom[] =
    incoming.sourceId === null
      ? [...new Set(incoming.students.map((s) => s.homeroom ?? '').filter((name) => name !== ''))].map((name) => ({ sourceId: null, name }))
      : incoming.homerooms;
  const byName = new Map(existing.map((h) => [h.name, h]));
  const bySource = new Map(existing.filter((h) => h.source_id !== null).map((h) => [h.source_id as string, h]));
  const plan: RosterPlan['homerooms'] = { added: [], renamed: [], linked: [], count: wanted.length };
  for (const h of wanted) {
    const named = byName.get(h.name);
    const sourced = h.sourceId === null ? undefined : bySource.get(h.sourceId);
    if (sourced) {
      if (sourced.name === h.name) continue;
      if (named) problems.push(problem('homeroom-name-taken', 'classes.csv', null, 'title', `("${h.name}")`));
      else plan.renamed.push({ sourceId: h.sourceId as string, from: sourced.name, to: h.name });
    } else if (named) {
      if (h.sourceId === null || named.source_id === h.sourceId) continue;
      if (named.source_id === null) plan.linked.push(h);
      else problems.push(problem('homeroom-name-taken', 'classes.csv', null, 'title', `("${h.name}")`));
    } else plan.added.push(h);
  }
  return plan;
}

function diffStaff(
  current: CurrentRoster,
  incoming: readonly IncomingStaff[],
  problems: RosterProblem[],
): NonNullable<RosterPlan['staff']> {
  const bySource = new Map<string, CurrentStaff>();
  const byEmail = new Map<string, CurrentStaff>();
  for (const s of current.staff) {
    if (s.source_id !== null) bySource.set(s.source_id, s);
    byEmail.set(s.email, s);
  }
  const plan: NonNullable<RosterPlan['staff']> = { added: [], changed: [], leaving: [], unchanged: 0 };
  const kept = new Set<string>();
  for (const s of incoming) {
    if (s.email === '') continue;
    let found = bySource.get(s.sourceId);
    const owner = byEmail.get(s.email);
    if (!found && owner && owner.source_id === null) found = owner;
    if (owner && found !== owner) {
      problems.push(problem('email-taken', s.file, s.row, 'email', `("${s.email}")`));
      continue;
    }
    if (!found) {
      plan.added.push(s);
      continue;
    }
    kept.add(found.id);
    const fields: StaffField[] = [];
    if (found.email !== s.email) fields.push('email');
    if (found.name !== fullName(s.givenName, s.familyName)) fields.push('name');
    if (found.role !== s.role) fields.push('role');
    if (found.source_id !== s.sourceId) fields.push('sourcedId');
    if (found.deactivated_at !== null) fields.push('returned');
    if (!found.schools.includes(current.schoolId)) fields.push('school');
    if (found.homerooms.join('\u0000') !== s.homerooms.join('\u0000')) fields.push('homerooms');
    if (fields.length === 0) plan.unchanged++;
    else plan.changed.push({ id: found.id, incoming: s, fields, homerooms: s.homerooms });
  }
  // Imported accounts only: a person made in Doorline is never unlinked by an export. Those marked leaving
  // (tobedeleted, not enabled) are not among `incoming`, so they leave with everyone else the export no longer names.
  for (const s of current.staff) {
    if (s.source_id === null || kept.has(s.id) || !s.schools.includes(current.schoolId) || s.deactivated_at !== null) continue;
    plan.leaving.push({ id: s.id, email: s.email, deactivate: s.schools.length === 1 });
  }
  return plan;
}
