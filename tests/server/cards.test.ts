/** The students an admin prints cards for: their own school's, by homeroom, without leavers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCardList, type CardList } from '../../src/shared/cards-protocol.ts';
import { databases } from '../support/databases.ts';
import { addSecondSchool, type OtherSchool } from '../support/second-school.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let hill: OtherSchool;
let admin: Record<string, string>;

async function cards(headers: Record<string, string>, query = ''): Promise<{ status: number; body: unknown }> {
  const response = await t.app.inject({ url: `/api/cards${query}`, headers });
  return { status: response.statusCode, body: response.json() };
}

async function cardList(query = ''): Promise<CardList> {
  const { status, body } = await cards(admin, query);
  expect(status).toBe(200);
  assertCardList(body);
  return body;
}

describe.each(databases())('on %s', (database) => {
  beforeAll(async () => {
    t = await startTestApp({ database });
    hill = await addSecondSchool(t);
    admin = await t.signIn('admin');
  });
  afterAll(async () => t.close());

  it("gives an admin one homeroom's students of their own school, by name", async () => {
    const expected = await t.db
      .selectFrom('students')
      .select(['student_number', 'name'])
      .where('school_id', '=', t.schoolId)
      .where('homeroom', '=', '7A')
      .execute();
    expect(expected.length).toBeGreaterThan(0);
    const list = await cardList('?homeroom=7A');
    expect(list.homeroom).toBe('7A');
    expect(list.students.map((s) => s.studentId).sort()).toEqual(expected.map((s) => s.student_number).sort());
    const names = list.students.map((s) => s.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(list.students.every((s) => s.homeroom === '7A')).toBe(true);
    expect(list.homerooms).toContain('7A');
    expect(list.homerooms).not.toContain('H1');
    // As on the roll and the office's pages: 7A before 10A.
    expect(list.homerooms.indexOf('7A')).toBeLessThan(list.homerooms.indexOf('10A'));
  });

  it('gives the whole school when no homeroom is asked for, and none of the other school', async () => {
    const count = await t.db
      .selectFrom('students')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('school_id', '=', t.schoolId)
      .executeTakeFirstOrThrow();
    const list = await cardList();
    expect(list.homeroom).toBeNull();
    expect(list.students).toHaveLength(Number(count.n));
    expect(list.students.some((s) => s.studentId.startsWith('2000'))).toBe(false);
    expect(await cardList('?homeroom=')).toEqual(list);
  });

  it('leaves out a student who has left', async () => {
    const before = await cardList('?homeroom=7A');
    const leaver = before.students[0]?.studentId ?? '';
    await t.db
      .updateTable('students')
      .set({ left_at: Date.now() })
      .where('school_id', '=', t.schoolId)
      .where('student_number', '=', leaver)
      .execute();
    const after = await cardList('?homeroom=7A');
    expect(after.students.map((s) => s.studentId)).toEqual(before.students.slice(1).map((s) => s.studentId));
    expect((await cardList()).students.some((s) => s.studentId === leaver)).toBe(false);
  });

  it("gives another school's admin only their own students", async () => {
    const { status, body } = await cards(hill.as.admin, '?homeroom=7A');
    expect(status).toBe(200);
    assertCardList(body);
    expect(body.students).toEqual([]);
    expect(body.homerooms).toEqual(['H1']);
  });

  it('refuses a teacher, the office, a kiosk and nobody', async () => {
    expect(await cards(await t.signIn('teacher'))).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await cards(await t.signIn('office'))).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await cards(hill.as.teacher)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await t.asKiosk('/api/cards')).statusCode).toBe(403);
    expect(await cards({})).toMatchObject({ status: 401, body: { error: { code: 'not-signed-in' } } });
  });

  it('refuses a query it does not know', async () => {
    expect(await cards(admin, '?room=7A')).toMatchObject({ status: 400, body: { error: { code: 'invalid-query' } } });
    expect(await cards(admin, `?homeroom=${'x'.repeat(65)}`)).toMatchObject({ status: 400, body: { error: { code: 'invalid-query' } } });
  });
});
