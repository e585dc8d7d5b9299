/**
 * The students of a school as the office manages them by hand: search, add,
 * change, mark as left and bring back. Every change raises the school's
 * roster version and puts a roster change on the feed in the same
 * transaction, so every kiosk pulls the new roster on its next exchange.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DoorlineError } from '../shared/error-codes.ts';
import type { NewStudentInput, StudentChange, StudentView } from '../shared/people-protocol.ts';
import { changedFields, logAdminAction, type AdminActor } from './admin-log.ts';
import { rosterChanged } from './change-feed.ts';
import type { Database } from './db/schema.ts';
import { findSchoolForWriting } from './school-queries.ts';
import { byHomeroom } from '../shared/homeroom-order.ts';

/** Most students one search answers with: enough for a page, few enough for a slow line. */
export const STUDENT_PAGE = 100;

type StudentRow = {
  student_number: string;
  name: string;
  given_name: string;
  family_name: string;
  homeroom: string;
  grade: string | null;
  left_at: number | null;
};

const STUDENT_COLUMNS = ['student_number', 'name', 'given_name', 'family_name', 'homeroom', 'grade', 'left_at'] as const;

function toView(row: StudentRow): StudentView {
  // Students made before names were kept in two parts have only the whole name: it is split at its first space.
  const split = row.given_name === '' && row.family_name === '';
  const space = row.name.indexOf(' ');
  return {
    id: row.student_number,
    givenName: split ? (space < 0 ? row.name : row.name.slice(0, space)) : row.given_name,
    familyName: split ? (space < 0 ? '' : row.name.slice(space + 1)) : row.family_name,
    name: row.name,
    homeroom: row.homeroom,
    grade: row.grade,
    leftAt: row.left_at === null ? null : Number(row.left_at),
  };
}

/** What a change may touch: leaving and coming back are their own actions. */
function editable(student: StudentView): Omit<StudentView, 'leftAt'> {
  return {
    id: student.id,
    givenName: student.givenName,
    familyName: student.familyName,
    name: student.name,
    homeroom: student.homeroom,
    grade: student.grade,
  };
}

/** The school's homerooms, in the order people read them (7A before 10A). */
export async function schoolHomerooms(db: Kysely<Database>, schoolId: string): Promise<string[]> {
  const rows = await db.selectFrom('homerooms').select('name').where('school_id', '=', schoolId).execute();
  return rows.map((r) => r.name).sort(byHomeroom);
}

/** Students whose ID starts with `q` or whose name holds it, any case; an empty `q` lists from the start. */
export async function findStudents(
  db: Kysely<Database>,
  schoolId: string,
  q: string,
  includeLeft: boolean,
): Promise<{ students: StudentView[]; more: boolean }> {
  const escaped = q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db
    .selectFrom('students')
    .select(STUDENT_COLUMNS)
    .where('school_id', '=', schoolId)
    .$if(!includeLeft, (query) => query.where('left_at', 'is', null))
    .$if(q !== '', (query) =>
      query.where((eb) =>
        eb.or([
          eb(sql`lower(student_number)`, 'like', sql`${`${escaped}%`} escape '\\'`),
          eb(sql`lower(name)`, 'like', sql`${`%${escaped}%`} escape '\\'`),
        ]),
      ),
    )
    .orderBy('name')
    .orderBy('student_number')
    .limit(STUDENT_PAGE + 1)
    .execute();
  return { students: rows.slice(0, STUDENT_PAGE).map(toView), more: rows.length > STUDENT_PAGE };
}

async function studentRow(db: Kysely<Database>, schoolId: string, studentNumber: string): Promise<StudentRow & { id: string }> {
  const row = await db
    .selectFrom('students')
    .select(['id', ...STUDENT_COLUMNS])
    .where('school_id', '=', schoolId)
    .where('student_number', '=', studentNumber)
    .executeTakeFirst();
  if (!row) throw new DoorlineError('student-not-found', { studentId: studentNumber });
  return row;
}

async function refuseTakenId(trx: Kysely<Database>, schoolId: string, studentNumber: string): Promise<void> {
  const taken = await trx
    .selectFrom('students')
    .select('id')
    .where('school_id', '=', schoolId)
    .where('student_number', '=', studentNumber)
    .executeTakeFirst();
  if (taken) throw new DoorlineError('student-id-taken', { studentId: studentNumber });
}

async function ensureHomeroom(trx: Kysely<Database>, schoolId: string, homeroom: string, now: number): Promise<void> {
  await trx
    .insertInto('homerooms')
    .values({ school_id: schoolId, name: homeroom, source_id: null, created_at: now })
    .onConflict((oc) => oc.columns(['school_id', 'name']).doNothing())
    .execute();
}

/** A change to one school's roster, in one transaction that holds the school's row first (see findSchoolForWriting). */
function rosterWrite<T>(db: Kysely<Database>, schoolId: string, now: number, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await findSchoolForWriting(trx, schoolId);
    const result = await work(trx);
    await rosterChanged(trx, schoolId, now);
    return result;
  });
}

export async function addStudent(db: Kysely<Database>, actor: AdminActor, input: NewStudentInput, now: number): Promise<StudentView> {
  return rosterWrite(db, actor.schoolId, now, async (trx) => {
    await refuseTakenId(trx, actor.schoolId, input.studentId);
    await ensureHomeroom(trx, actor.schoolId, input.homeroom, now);
    const row: StudentRow = {
      student_number: input.studentId,
      name: `${input.givenName} ${input.familyName}`,
      given_name: input.givenName,
      family_name: input.familyName,
      homeroom: input.homeroom,
      grade: input.grade ?? null,
      left_at: null,
    };
    await trx
      .insertInto('students')
      .values({ id: randomUUID(), school_id: actor.schoolId, created_at: now, updated_at: now, ...row })
      .execute();
    const view = toView(row);
    await logAdminAction(
      trx,
      actor,
      {
        action: 'student-added',
        subject: input.studentId,
        details: { givenName: view.givenName, familyName: view.familyName, homeroom: view.homeroom, grade: view.grade },
      },
      now,
    );
    return view;
  });
}

export async function changeStudent(
  db: Kysely<Database>,
  actor: AdminActor,
  studentNumber: string,
  change: StudentChange,
  now: number,
): Promise<StudentView> {
  return rosterWrite(db, actor.schoolId, now, async (trx) => {
    const row = await studentRow(trx, actor.schoolId, studentNumber);
    const before = toView(row);
    const after: StudentView = {
      ...before,
      id: change.studentId ?? before.id,
      givenName: change.givenName ?? before.givenName,
      familyName: change.familyName ?? before.familyName,
      homeroom: change.homeroom ?? before.homeroom,
      grade: change.grade === undefined ? before.grade : change.grade,
    };
    const named = change.givenName !== undefined || change.familyName !== undefined;
    after.name = named ? `${after.givenName} ${after.familyName}` : before.name;
    if (after.id !== before.id) await refuseTakenId(trx, actor.schoolId, after.id);
    if (after.homeroom !== before.homeroom) await ensureHomeroom(trx, actor.schoolId, after.homeroom, now);
    await trx
      .updateTable('students')
      .set({
        student_number: after.id,
        name: after.name,
        given_name: after.givenName,
        family_name: after.familyName,
        homeroom: after.homeroom,
        grade: after.grade,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    await logAdminAction(
      trx,
      actor,
      { action: 'student-changed', subject: after.id, details: changedFields(editable(before), editable(after)) },
      now,
    );
    return after;
  });
}

/** Marks a student as left (`left: true`) or brings them back; their history stays either way. */
export async function setStudentLeft(
  db: Kysely<Database>,
  actor: AdminActor,
  studentNumber: string,
  left: boolean,
  now: number,
): Promise<StudentView> {
  return rosterWrite(db, actor.schoolId, now, async (trx) => {
    const row = await studentRow(trx, actor.schoolId, studentNumber);
    if (left && row.left_at !== null) throw new DoorlineError('student-already-left', { studentId: studentNumber });
    if (!left && row.left_at === null) throw new DoorlineError('student-not-left', { studentId: studentNumber });
    const leftAt = left ? now : null;
    await trx.updateTable('students').set({ left_at: leftAt, updated_at: now }).where('id', '=', row.id).execute();
    await logAdminAction(
      trx,
      actor,
      {
        action: left ? 'student-left' : 'student-returned',
        subject: studentNumber,
        details: left ? { leftAt } : { leftAt: Number(row.left_at) },
      },
      now,
    );
    return toView({ ...row, left_at: leftAt });
  });
}
