import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewResolution } from '../../src/shared/merge.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let teacher: Record<string, string>;
let office: Record<string, string>;
describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
    // 09:00 in London on a school day; the bell rings at 08:00.
    t.clock.now = Date.parse('2026-11-24T09:00:00Z');
    teacher = await t.signIn('teacher');
    office = await t.signIn('office');
  });
  afterEach(async () => t.close());

  const AT_0758 = Date.parse('2026-11-24T07:58:00Z');
  const AT_0830 = Date.parse('2026-11-24T08:30:00Z');

  type Op = Record<string, unknown> & { seq: number };
  let staffSeq = 0;

  function kioskSync(ops: Op[], headers: Record<string, string> = {}) {
    return t.asKiosk({
      method: 'POST',
      url: '/api/sync',
      headers,
      payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops },
    });
  }
  function staffSync(who: Record<string, string>, device: string, ops: Array<Omit<Op, 'seq'>>) {
    const numbered = ops.map((op) => ({ seq: ++staffSeq, ...op }));
    return t.app.inject({
      method: 'POST',
      url: '/api/sync',
      headers: who,
      payload: { v: 1, type: 'sync', deviceId: device, kioskId: 'staff-browser', ops: numbered },
    });
  }
  const scan = (seq: number, studentId: string, at: number, base = 0): Op => ({
    seq,
    kind: 'check-in',
    studentId,
    at,
    session: 'day',
    base,
  });
  const mark = (studentId: string, status: string, base: number, at = AT_0830) => ({
    kind: 'status',
    studentId,
    status,
    at,
    session: 'day',
    base,
  });

  async function record(studentId: string) {
    return t.db
      .selectFrom('attendance')
      .innerJoin('students', 'students.id', 'attendance.student_id')
      .select(['attendance.status', 'attendance.check_in_at', 'attendance.version', 'attendance.status_by'])
      .where('students.student_number', '=', studentId)
      .executeTakeFirstOrThrow();
  }

  describe('merging ops made without knowledge of each other', () => {
    it('keeps a door scan over an absent marked without it, and says which rule decided', async () => {
      expect((await staffSync(teacher, 'teacher-tablet-01', [mark('100001', 'absent', 0)])).json().receipts).toEqual([
        { status: 'applied', n: 1 },
      ]);
      const door = await kioskSync([scan(1, '100001', AT_0758)]);
      expect(door.json().receipts).toEqual([{ status: 'merged', rule: 'door-evidence', n: 1 }]);
      expect(await record('100001')).toMatchObject({ status: 'present', check_in_at: AT_0758, version: 2 });
      const history = (
        await t.app.inject({ url: '/api/records/history?studentId=100001&date=2026-11-24&session=day', headers: office })
      ).json();
      expect(
        history.entries.map((e: { action: string; rule: string | null; actor: { kind: string } }) => [e.action, e.rule, e.actor.kind]),
      ).toEqual([
        ['mark', null, 'teacher'],
        ['merge', 'door-evidence', 'door'],
      ]);
    });

    it('keeps the door scan when the absent arrives after it', async () => {
      await kioskSync([scan(1, '100001', AT_0758)]);
      const late = await staffSync(teacher, 'teacher-tablet-01', [mark('100001', 'absent', 0)]);
      expect(late.json().receipts).toEqual([{ status: 'merged', rule: 'door-evidence', n: 1 }]);
      expect(await record('100001')).toMatchObject({ status: 'present', version: 1 });
    });

    it("lets the office's excused beat a teacher's absent", async () => {
      await staffSync(teacher, 'teacher-tablet-01', [mark('100002', 'absent', 0)]);
      const excused = await staffSync(office, 'office-desk-0001', [mark('100002', 'excused', 0)]);
      expect(excused.json().receipts).toEqual([{ status: 'merged', rule: 'office-excused', n: 1 }]);
      expect(await record('100002')).toMatchObject({ status: 'excused', status_by: 'office' });
    });

    it('applies an op made against the current version as it is', async () => {
      await kioskSync([scan(1, '100003', AT_0758)]);
      const informed = await staffSync(teacher, 'teacher-tablet-01', [mark('100003', 'absent', 1)]);
      expect(informed.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
      expect(await record('100003')).toMatchObject({ status: 'absent', version: 2 });
    });

    it('does not let the same teacher on a second tablet overwrite a door scan that tablet never saw', async () => {
      await kioskSync([scan(1, '100009', AT_0758)]);
      await staffSync(teacher, 'teacher-tablet-01', [mark('100009', 'present', 1)]);
      const other = await staffSync(teacher, 'teacher-tablet-02', [mark('100009', 'absent', 0)]);
      expect(other.json().receipts).toEqual([{ status: 'merged', rule: 'door-evidence', n: 1 }]);
      expect(await record('100009')).toMatchObject({ status: 'present' });
    });

    it("treats a device's second mark as following its first, not against it", async () => {
      const both = await staffSync(teacher, 'teacher-tablet-01', [mark('100004', 'present', 0), mark('100004', 'absent', 0)]);
      expect(both.json().receipts).toEqual([{ status: 'applied', n: 2 }]);
      expect(await record('100004')).toMatchObject({ status: 'absent', version: 2 });
    });
  });

  describe('a genuine conflict', () => {
    async function openOne(studentId = '100005') {
      await staffSync(teacher, 'teacher-tablet-01', [mark(studentId, 'present', 0)]);
      const second = await staffSync(office, 'office-desk-0001', [mark(studentId, 'late', 0)]);
      const [receipt] = second.json().receipts;
      expect(receipt).toMatchObject({ status: 'conflict', n: 1 });
      return receipt.conflictId as string;
    }

    it('keeps the server value, opens the conflict for the office and answers replays with the same receipt', async () => {
      const conflictId = await openOne();
      expect(await record('100005')).toMatchObject({ status: 'present', version: 1 });
      const list = (await t.app.inject({ url: '/api/conflicts', headers: office })).json();
      expect(list.conflicts).toHaveLength(1);
      expect(list.conflicts[0]).toMatchObject({
        id: conflictId,
        studentId: '100005',
        studentName: expect.any(String),
        fields: ['status'],
        base: { status: null },
        local: { status: 'late' },
        server: { status: 'present' },
        localBy: { kind: 'office', name: 'Katherine Johnson' },
        serverBy: { kind: 'teacher', name: 'Grace Hopper' },
        rule: 'same-base-different-status',
        confidence: 0,
        status: 'open',
      });
      const replay = await t.app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: office,
        payload: {
          v: 1,
          type: 'sync',
          deviceId: 'office-desk-0001',
          kioskId: 'staff-browser',
          ops: [{ seq: staffSeq, ...mark('100005', 'late', 0) }],
        },
      });
      expect(replay.json().receipts).toEqual([{ status: 'duplicate', original: { status: 'conflict', conflictId }, n: 1 }]);
    });

    it('names each side by the person and the device it came from, and the door check-in of that day', async () => {
      await kioskSync([scan(1, '100006', AT_0758)]);
      // The teacher marks late on a roll loaded before the scan: against the door's present.
      const [receipt] = (await staffSync(teacher, 'teacher-tablet-01', [mark('100006', 'late', 0)])).json().receipts;
      expect(receipt).toMatchObject({ status: 'conflict' });
      // A period's conflict: its own record has no check-in, the whole day's has.
      await staffSync(teacher, 'teacher-tablet-01', [{ ...mark('100007', 'present', 0), session: 'P2' }]);
      await staffSync(office, 'office-desk-0001', [{ ...mark('100007', 'absent', 0), session: 'P2' }]);
      await kioskSync([scan(2, '100007', AT_0830)]);
      const { conflicts } = (await t.app.inject({ url: '/api/conflicts', headers: office })).json();
      const byStudent = new Map(conflicts.map((c: { studentId: string }) => [c.studentId, c]));
      expect(byStudent.get('100006')).toMatchObject({
        localBy: { kind: 'teacher', name: 'Grace Hopper', device: { kind: 'staff', name: null } },
        serverBy: { kind: 'door', name: 'Main entrance', device: { kind: 'kiosk', name: 'Main entrance' } },
        doorCheckInAt: AT_0758,
      });
      expect(byStudent.get('100007')).toMatchObject({
        session: 'P2',
        localBy: { kind: 'office', name: 'Katherine Johnson', device: { kind: 'staff', name: null } },
        serverBy: { kind: 'teacher', name: 'Grace Hopper', device: { kind: 'staff', name: null } },
        doorCheckInAt: AT_0830,
      });
    });

    it('says there is no door check-in, and no device for a mark a page posted straight to the server', async () => {
      const posted = await t.app.inject({
        method: 'POST',
        url: '/api/marks',
        headers: teacher,
        payload: { v: 1, opId: '01JD0000000000000000000001', ...mark('100008', 'present', 0) },
      });
      expect(posted.statusCode).toBeLessThan(300);
      await staffSync(office, 'office-desk-0001', [mark('100008', 'absent', 0)]);
      const { conflicts } = (await t.app.inject({ url: '/api/conflicts', headers: office })).json();
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({
        localBy: { kind: 'office', device: { kind: 'staff', name: null } },
        serverBy: { kind: 'teacher', device: null },
        doorCheckInAt: null,
      });
    });

    it("keeps the reason of the side the office takes: the device's absence with its reason, or the record's", async () => {
      const reasonOf = async (studentId: string) =>
        t.db
          .selectFrom('attendance')
          .innerJoin('students', 'students.id', 'attendance.student_id')
          .select(['attendance.status', 'attendance.status_reason', 'attendance.status_reason_text'])
          .where('students.student_number', '=', studentId)
          .executeTakeFirstOrThrow();
      const open = async (studentId: string, first: Record<string, unknown>, second: Record<string, unknown>) => {
        await staffSync(teacher, 'teacher-tablet-01', [first]);
        const [receipt] = (await staffSync(office, 'office-desk-0001', [second])).json().receipts;
        expect(receipt).toMatchObject({ status: 'conflict' });
        return receipt.conflictId as string;
      };
      const resolve = (conflictId: string, take: 'local' | 'server') =>
        t.app.inject({
          method: 'POST',
          url: '/api/conflicts/resolve',
          headers: office,
          payload: { v: 1, resolutions: [{ conflictId, choices: { status: { take } }, note: 'Checked with the family.' }] },
        });

      const taken = await open('100011', mark('100011', 'late', 0), { ...mark('100011', 'excused', 0), reason: 'medical-appointment' });
      expect((await resolve(taken, 'local')).statusCode).toBe(200);
      expect(await reasonOf('100011')).toEqual({
        status: 'excused',
        status_reason: 'medical-appointment',
        status_reason_text: 'Medical appointment',
      });

      const kept = await open('100012', { ...mark('100012', 'absent', 0), reason: 'illness' }, mark('100012', 'late', 0));
      expect((await resolve(kept, 'server')).statusCode).toBe(200);
      expect(await reasonOf('100012')).toEqual({ status: 'absent', status_reason: 'illness', status_reason_text: 'Illness' });
    });

    it('is resolved by the office with a note: a new version, an audit entry and a change for every device', async () => {
      const conflictId = await openOne();
      const { cursor } = (await t.asKiosk('/api/changes?cursor=')).json();
      const resolved = await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: office,
        payload: {
          v: 1,
          resolutions: [{ conflictId, choices: { status: { take: 'local' } }, note: 'Bus was late; signed in at reception.' }],
        },
      });
      expect(resolved.statusCode).toBe(200);
      expect(resolved.json().results).toEqual([{ conflictId, version: 2 }]);
      expect(await record('100005')).toMatchObject({ status: 'late', version: 2, status_by: 'office' });
      const history = (
        await t.app.inject({ url: '/api/records/history?studentId=100005&date=2026-11-24&session=day', headers: office })
      ).json();
      expect(history.entries.at(-1)).toMatchObject({
        action: 'resolve',
        actor: { kind: 'office', name: 'Katherine Johnson' },
        note: 'Bus was late; signed in at reception.',
        after: { status: 'late' },
      });
      const feed = (await t.asKiosk(`/api/changes?cursor=${cursor}`)).json();
      expect(feed.changes).toEqual([
        {
          kind: 'record',
          studentId: '100005',
          date: '2026-11-24',
          session: 'day',
          status: 'late',
          checkInAt: null,
          checkOutAt: null,
          version: 2,
        },
        { kind: 'conflict-resolved', conflictId, studentId: '100005', date: '2026-11-24', session: 'day' },
      ]);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: office,
        payload: { v: 1, resolutions: [{ conflictId, choices: {}, note: 'again' }] },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('conflict-already-resolved');
      expect((await t.app.inject({ url: '/api/conflicts', headers: office })).json().conflicts).toEqual([]);
    });

    it("stores exactly the record the office's dialog previewed", async () => {
      const conflictId = await openOne();
      const [conflict] = (await t.app.inject({ url: '/api/conflicts', headers: office })).json().conflicts;
      const choices = { status: { take: 'custom', value: 'excused' }, checkInAt: { take: 'custom', value: AT_0758 } } as const;
      const previewed = previewResolution(conflict, choices);
      await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: office,
        payload: { v: 1, resolutions: [{ conflictId, choices, note: 'Doctor' }] },
      });
      const history = (
        await t.app.inject({ url: '/api/records/history?studentId=100005&date=2026-11-24&session=day', headers: office })
      ).json();
      const { status, checkInAt, checkOutAt } = history.entries.at(-1).after;
      expect({ status, checkInAt, checkOutAt }).toEqual({
        status: previewed.status,
        checkInAt: previewed.checkInAt,
        checkOutAt: previewed.checkOutAt,
      });
      expect(previewed).toMatchObject({ status: 'excused', checkInAt: AT_0758 });
    });

    it('resolves many similar conflicts at once, or none when one of them cannot be', async () => {
      const ids = [await openOne('100006'), await openOne('100007')];
      const similar = (await t.app.inject({ url: '/api/conflicts', headers: office }))
        .json()
        .conflicts.map((c: { similarKey: string }) => c.similarKey);
      expect(new Set(similar).size).toBe(1);
      const withUnknown = await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: office,
        payload: {
          v: 1,
          resolutions: [...ids, '00000000-0000-0000-0000-000000000000'].map((conflictId) => ({
            conflictId,
            choices: { status: { take: 'custom', value: 'excused' } },
            note: 'Trip',
          })),
        },
      });
      expect(withUnknown.json().error.code).toBe('conflict-not-found');
      expect(await record('100006')).toMatchObject({ status: 'present' });
      const all = await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: office,
        payload: {
          v: 1,
          resolutions: ids.map((conflictId) => ({ conflictId, choices: { status: { take: 'custom', value: 'excused' } }, note: 'Trip' })),
        },
      });
      expect(all.json().results).toHaveLength(2);
      expect(await record('100007')).toMatchObject({ status: 'excused' });
    });

    it('cannot be listed or resolved by a teacher', async () => {
      const conflictId = await openOne();
      expect((await t.app.inject({ url: '/api/conflicts', headers: teacher })).json().error.code).toBe('forbidden');
      const resolve = await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: teacher,
        payload: { v: 1, resolutions: [{ conflictId, choices: {}, note: 'mine' }] },
      });
      expect(resolve.statusCode).toBe(403);
    });

    it('refuses a malformed resolution with the path of the problem', async () => {
      const conflictId = await openOne();
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/conflicts/resolve',
        headers: office,
        payload: { v: 1, resolutions: [{ conflictId, choices: { status: { take: 'custom', value: 'on-holiday' } }, note: 'Trip' }] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.path).toBe('$.resolutions[0].choices.status.value');
    });
  });

  describe('the change feed', () => {
    it("starts from now with today's records, then pages by sequence number", async () => {
      await kioskSync([scan(1, '100001', AT_0758)]);
      // Read as the office's browser: the kiosk's own check-ins are not sent back to the kiosk.
      const first = (await t.app.inject({ url: '/api/changes?cursor=', headers: office })).json();
      expect(first.changes).toContainEqual({
        kind: 'record',
        studentId: '100001',
        date: '2026-11-24',
        session: 'day',
        status: 'present',
        checkInAt: AT_0758,
        checkOutAt: null,
        version: 1,
      });
      expect(first.changes[0]).toEqual({ kind: 'roster', version: '1' });
      expect(first.serverTime).toBe(t.clock.now);
      const ops = Array.from({ length: 1200 }, (_, i) => scan(i + 2, String(100002 + (i % 598)), AT_0758 + i * 1000));
      await kioskSync(ops);
      let cursor = first.cursor;
      const seen: unknown[] = [];
      let pages = 0;
      for (;;) {
        const page = await t.app.inject({ url: `/api/changes?cursor=${cursor}`, headers: { ...office, 'accept-encoding': 'gzip' } });
        expect(page.headers['content-encoding']).toBe('gzip');
        const body = JSON.parse((await import('node:zlib')).gunzipSync(page.rawPayload).toString());
        seen.push(...body.changes);
        cursor = body.cursor;
        pages++;
        if (!body.more) break;
      }
      // 598 new records, each a new version once; the second lap's later scans change nothing.
      expect(seen).toHaveLength(598);
      expect(pages).toBe(2);
      const after = (await t.app.inject({ url: `/api/changes?cursor=${cursor}`, headers: office })).json();
      expect(after).toMatchObject({ changes: [], more: false, cursor });
    });

    it("leaves out of a device's pull what its own ops made as it expected, and sends what a rule changed", async () => {
      const { cursor } = (await t.asKiosk('/api/changes?cursor=')).json();
      await staffSync(teacher, 'teacher-tablet-01', [mark('100003', 'absent', 0)]);
      await kioskSync([scan(1, '100003', AT_0758), scan(2, '100004', AT_0758)]);
      const page = (await t.asKiosk(`/api/changes?cursor=${cursor}`)).json();
      // The teacher's absent, then the merge the kiosk could not foresee; its plain check-in of 100004 is not echoed.
      expect(page.changes.map((c: { studentId: string; status: string; version: number }) => [c.studentId, c.status, c.version])).toEqual([
        ['100003', 'absent', 1],
        ['100003', 'present', 2],
      ]);
      const again = (await t.asKiosk(`/api/changes?cursor=${page.cursor}`)).json();
      expect(again).toMatchObject({ changes: [], more: false, cursor: page.cursor });
      const tablet = (
        await t.app.inject({ url: `/api/changes?cursor=${cursor}`, headers: { ...teacher, 'x-doorline-device': 'teacher-tablet-01' } })
      ).json();
      expect(tablet.changes.map((c: { studentId: string }) => c.studentId)).toEqual(['100003', '100004']);
    });

    it('refuses a cursor that is not a sequence number', async () => {
      const response = await t.asKiosk('/api/changes?cursor=yesterday');
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid-query');
    });
  });

  describe("the server's roll", () => {
    it('lists a homeroom for a session, homerooms by number, with the door check-in on a period roll', async () => {
      await kioskSync([scan(1, '100001', AT_0758)]);
      const view = (await t.app.inject({ url: '/api/roll?group=7A&session=P2', headers: teacher })).json();
      expect(view.groups.slice(0, 3)).toEqual(['7A', '7B', '8A']);
      expect(view).toMatchObject({ type: 'roll', group: '7A', session: 'P2', date: '2026-11-24', source: 'server' });
      expect(view.rows.find((r: { studentId: string }) => r.studentId === '100001')).toMatchObject({
        name: 'Ada Lovelace',
        status: null,
        checkInAt: AT_0758,
        version: 0,
      });
    });

    it('refuses a session the school does not keep', async () => {
      const response = await t.app.inject({ url: '/api/roll?group=7A&session=P9', headers: teacher });
      expect([response.statusCode, response.json().error.code]).toEqual([400, 'invalid-query']);
    });
  });

  describe('time', () => {
    it('judges a check-in on the corrected time: a kiosk two hours fast still records 07:58', async () => {
      const fast = AT_0758 + 2 * 60 * 60 * 1000;
      const response = await kioskSync([scan(1, '100010', fast)], { 'x-doorline-clock': String(t.clock.now + 2 * 60 * 60 * 1000) });
      expect(response.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
      expect(await record('100010')).toMatchObject({ status: 'present', check_in_at: AT_0758 });
      const op = await t.db.selectFrom('ops').select(['device_time', 'corrected_time', 'clock_offset']).executeTakeFirstOrThrow();
      expect(op).toEqual({ device_time: fast, corrected_time: AT_0758, clock_offset: -2 * 60 * 60 * 1000 });
    });

    it('prefers the offset the device measured when it made the op, and still takes the logical clock an older worker stamps', async () => {
      const fast = AT_0758 + 2 * 60 * 60 * 1000;
      const response = await kioskSync([{ ...scan(1, '100011', fast), offset: -7_200_000, hlc: '001764057480000:0002' }], {
        'x-doorline-clock': String(t.clock.now),
      });
      expect(response.json().receipts).toEqual([{ status: 'applied', n: 1 }]);
      expect(await record('100011')).toMatchObject({ check_in_at: AT_0758 });
      const op = await t.db.selectFrom('ops').select(['clock_offset']).executeTakeFirstOrThrow();
      expect(op).toEqual({ clock_offset: -7_200_000 });
    });
  });
});
