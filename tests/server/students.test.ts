/** Students by hand: search, add, change, mark as left and bring back, on the roster and in the admin log, in one school only. */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { MemoryEventBus } from '../../src/server/events/memory-event-bus.ts';
import type { LiveEvent } from '../../src/shared/live-events.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let office: Record<string, string>;
let admin: Record<string, string>;

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
    office = await t.signIn('office');
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  const post = (url: string, payload?: object, headers = office) =>
    t.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
  const rosterVersion = async () => (await t.asKiosk('/api/kiosk-config')).json().rosterVersion as string;
  const log = async (action: string) =>
    t.db.selectFrom('admin_log').selectAll().where('school_id', '=', t.schoolId).where('action', '=', action).execute();

  it('finds students by the start of their ID or any part of their name, in any case', async () => {
    const byId = await t.app.inject({ url: '/api/students?q=100001', headers: office });
    expect(byId.statusCode).toBe(200);
    expect(byId.json().students.map((s: { id: string }) => s.id)).toEqual(['100001']);
    expect(byId.json().students[0]).toMatchObject({ name: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace', leftAt: null });
    const byName = await t.app.inject({ url: '/api/students?q=LOVEL', headers: office });
    expect(byName.json().students.some((s: { id: string }) => s.id === '100001')).toBe(true);
    const all = await t.app.inject({ url: '/api/students', headers: office });
    expect(all.json()).toMatchObject({ type: 'students', more: true });
    expect(all.json().students).toHaveLength(100);
    expect(all.json().homerooms).toContain('7A');
    const wildcard = await t.app.inject({ url: `/api/students?q=${encodeURIComponent('%')}`, headers: office });
    expect(wildcard.json().students).toEqual([]);
  });

  it('adds a student with a new homeroom, puts them on the kiosks’ roster and logs who did it', async () => {
    const before = await rosterVersion();
    const cursor = (await t.asKiosk('/api/changes?cursor=')).json().cursor as string;
    const added = await post('/api/students', {
      v: 1,
      studentId: 'N-4242',
      givenName: 'Mary',
      familyName: 'Jackson',
      homeroom: '12Z',
      grade: '12',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().student).toEqual({
      id: 'N-4242',
      givenName: 'Mary',
      familyName: 'Jackson',
      name: 'Mary Jackson',
      homeroom: '12Z',
      grade: '12',
      leftAt: null,
    });
    expect(Number(await rosterVersion())).toBe(Number(before) + 1);
    const roster = (await t.asKiosk('/api/roster')).json();
    expect(roster.studentIds).toContain('N-4242');
    // The kiosk's next pull carries the new roster version, so it fetches the roster again.
    const changes = (await t.asKiosk(`/api/changes?cursor=${cursor}`)).json().changes;
    expect(changes).toContainEqual({ kind: 'roster', version: String(Number(before) + 1) });
    expect((await t.app.inject({ url: '/api/students?q=mary', headers: office })).json().homerooms).toContain('12Z');
    const [entry] = await log('student-added');
    expect(entry).toMatchObject({ actor_name: 'Katherine Johnson', subject: 'N-4242' });
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({ givenName: 'Mary', familyName: 'Jackson', homeroom: '12Z', grade: '12' });
  });

  it('refuses a second student with an ID already used in the school, but the same ID in another school is fine', async () => {
    const twice = await post('/api/students', { v: 1, studentId: '100001', givenName: 'A', familyName: 'B', homeroom: '7A' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'student-id-taken']);
    const elsewhere = await post(
      '/api/students',
      { v: 1, studentId: '100001', givenName: 'Hill', familyName: 'Side', homeroom: 'H1' },
      hill.as.office,
    );
    expect(elsewhere.statusCode).toBe(201);
  });

  it('changes a student’s name, homeroom, grade and card number, logging only what changed', async () => {
    const before = await rosterVersion();
    const changed = await post('/api/students/N-4242', { v: 1, familyName: 'Jackson-Smith', homeroom: '7A', studentId: 'N-4243' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().student).toMatchObject({ id: 'N-4243', name: 'Mary Jackson-Smith', homeroom: '7A', grade: '12' });
    expect(Number(await rosterVersion())).toBe(Number(before) + 1);
    const [entry] = await log('student-changed');
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({
      id: { from: 'N-4242', to: 'N-4243' },
      familyName: { from: 'Jackson', to: 'Jackson-Smith' },
      name: { from: 'Mary Jackson', to: 'Mary Jackson-Smith' },
      homeroom: { from: '12Z', to: '7A' },
    });
    const taken = await post('/api/students/N-4243', { v: 1, studentId: '100001' });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'student-id-taken']);
    const cleared = await post('/api/students/N-4243', { v: 1, grade: null });
    expect(cleared.json().student.grade).toBeNull();
  });

  it('marks a student as left: kept with their history, found on request, and brought back', async () => {
    const left = await post('/api/students/N-4243/leave');
    expect(left.statusCode).toBe(200);
    expect(left.json().student.leftAt).toBe(t.clock.now);
    expect((await t.app.inject({ url: '/api/students?q=N-4243', headers: office })).json().students).toEqual([]);
    const withLeft = await t.app.inject({ url: '/api/students?q=N-4243&include=left', headers: office });
    expect(withLeft.json().students[0].leftAt).toBe(t.clock.now);
    const again = await post('/api/students/N-4243/leave');
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'student-already-left']);
    const back = await post('/api/students/N-4243/return', undefined, admin);
    expect(back.json().student.leftAt).toBeNull();
    const notLeft = await post('/api/students/N-4243/return');
    expect([notLeft.statusCode, notLeft.json().error.code]).toEqual([409, 'student-not-left']);
    expect((await log('student-left')).length).toBe(1);
    expect((await log('student-returned'))[0]?.actor_name).toBe('Alan Turing');
    const stored = await t.db.selectFrom('students').select('id').where('student_number', '=', 'N-4243').execute();
    expect(stored).toHaveLength(1);
  });

  it('tells open pages the roster changed, with the change number to pull from', async () => {
    const bus = new MemoryEventBus();
    const second = await buildApp({ db: t.db, events: bus, now: () => t.clock.now });
    const heard: LiveEvent[] = [];
    const stop = bus.subscribe(t.schoolId, { events: (events) => heard.push(...events), gap: () => undefined });
    try {
      const response = await second.inject({
        method: 'POST',
        url: '/api/students/100003',
        headers: office,
        payload: { v: 1, grade: '7' },
      });
      expect(response.statusCode).toBe(200);
      const newest = (await t.asKiosk('/api/changes?cursor=')).json().cursor;
      expect(heard).toEqual([{ v: 1, kind: 'roster-changed', seq: Number(newest) }]);
    } finally {
      stop();
      await second.close();
    }
  });

  it('refuses bad input with a code that says what was wrong, and changes nothing', async () => {
    const before = await rosterVersion();
    const cases: Array<[object, string]> = [
      [{ v: 1, studentId: '', givenName: 'A', familyName: 'B', homeroom: '7A' }, '$.studentId'],
      [{ v: 1, studentId: 'has space', givenName: 'A', familyName: 'B', homeroom: '7A' }, '$.studentId'],
      [{ v: 1, studentId: 'X1', givenName: ' A', familyName: 'B', homeroom: '7A' }, '$.givenName'],
      [{ v: 1, studentId: 'X1', givenName: 'A', familyName: 'B' }, '$.homeroom'],
      [{ v: 1, studentId: 'X1', givenName: 'A', familyName: 'B', homeroom: '7A', age: 12 }, '$.age'],
    ];
    for (const [payload, path] of cases) {
      const response = await post('/api/students', payload);
      expect([response.statusCode, response.json().error.code, response.json().error.details.path]).toEqual([400, 'invalid-body', path]);
    }
    const nothing = await post('/api/students/100001', { v: 1 });
    expect(nothing.json().error.code).toBe('invalid-body');
    const unknown = await post('/api/students/999999', { v: 1, givenName: 'X' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'student-not-found']);
    const badQuery = await t.app.inject({ url: '/api/students?include=everyone', headers: office });
    expect([badQuery.statusCode, badQuery.json().error.code]).toEqual([400, 'invalid-query']);
    expect(await rosterVersion()).toBe(before);
  });

  it('is for the office and admins of the school only', async () => {
    const teacher = await t.signIn('teacher');
    const refusals: Array<[InjectOptions, number, string]> = [
      [{ url: '/api/students', headers: teacher }, 403, 'forbidden'],
      [{ url: '/api/students' }, 401, 'not-signed-in'],
      [{ url: '/api/students', headers: { authorization: `Bearer ${t.token}` } }, 403, 'forbidden'],
      [
        { method: 'POST', url: '/api/students/100005', headers: hill.as.admin, payload: { v: 1, givenName: 'X' } },
        404,
        'student-not-found',
      ],
      [{ method: 'POST', url: '/api/students/100002/leave', headers: hill.as.office }, 404, 'student-not-found'],
      [{ method: 'POST', url: '/api/students/100002/leave', headers: teacher }, 403, 'forbidden'],
    ];
    for (const [request, status, code] of refusals) {
      const response = await t.app.inject(request);
      expect([request.url, response.statusCode, response.json().error?.code]).toEqual([request.url, status, code]);
    }
    const hillside = await t.app.inject({ url: '/api/students?q=1000', headers: hill.as.office });
    expect(hillside.json().students.map((s: { name: string }) => s.name)).toEqual(['Hill Side']);
    const ada = await t.db
      .selectFrom('students')
      .select('name')
      .where('student_number', '=', '100001')
      .where('school_id', '=', t.schoolId)
      .executeTakeFirstOrThrow();
    expect(ada.name).toBe('Ada Lovelace');
  });
});
