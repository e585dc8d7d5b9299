import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isLate, localMoment } from '../../src/shared/school-time.ts';
import { LIMITS } from '../../src/shared/limits.ts';
import { fromRuns } from '../../src/shared/receipts.ts';
import { ingestBatch, OPS_PER_TRANSACTION, WHOLE_BATCH_OPS, type Sender } from '../../src/server/ingest.ts';
import type { Db } from '../../src/server/db/open-database.ts';
import { databases } from '../support/databases.ts';
import { checkIn, countRows, opId, startTestApp, type TestApp } from '../support/test-app.ts';

// 07:58 and 08:14 in London on a winter school day.
const EARLY = Date.parse('2026-11-25T07:58:00Z');
const LATE = Date.parse('2026-11-25T08:14:00Z');

let t: TestApp;
describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => {
    await t.close();
  });

  function sync(ops: unknown[], extra: Record<string, unknown> = {}) {
    return t.asKiosk({
      method: 'POST',
      url: '/api/sync',
      payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops, ...extra },
    });
  }

  async function receipts(ops: unknown[], extra: Record<string, unknown> = {}) {
    const response = await sync(ops, extra);
    expect(response.statusCode).toBe(200);
    return fromRuns(response.json().receipts);
  }

  async function attendance() {
    return t.db
      .selectFrom('attendance')
      .innerJoin('students', 'students.id', 'attendance.student_id')
      .select(['students.student_number', 'attendance.status', 'attendance.check_in_at', 'attendance.date', 'attendance.version'])
      .orderBy('student_number')
      .execute();
  }

  const opCount = (): Promise<number> => countRows(t.db, 'ops');

  describe('POST /api/sync', () => {
    it.runIf(database === 'sqlite')('prepares the statements of a batch once, not again for the next batch of the same shape', async () => {
      const batch = (day: number) =>
        Array.from({ length: 20 }, (_, i) => ({
          seq: day * 20 + i + 1,
          kind: 'check-in',
          studentId: String(100001 + i),
          at: EARLY + day * 86_400_000 + i * 1000,
          session: 'day',
          base: 0,
        }));
      expect((await sync(batch(0))).statusCode).toBe(200);
      const prepare = vi.spyOn(SQLite.prototype, 'prepare');
      try {
        expect((await sync(batch(1))).statusCode).toBe(200);
        expect(prepare).not.toHaveBeenCalled();
      } finally {
        prepare.mockRestore();
      }
    });

    it.runIf(database === 'sqlite')(
      "finds a batch's earlier ops and records by their keys, never by reading the school's history",
      async () => {
        // A school's history grows by a morning's rows a day: a lookup bounded only by the school reads more of it each day.
        const history = ['ops', 'attendance', 'audit_log', 'changes', 'notes', 'conflicts'];
        const prepare = vi.spyOn(SQLite.prototype, 'prepare');
        try {
          const morning = (first: number, at: number) => Array.from({ length: 5 }, (_, i) => checkIn(first + i, String(100001 + i), at));
          await receipts([...morning(1, EARLY), { ...checkIn(6, '100006', EARLY), opId: opId() }]);
          await receipts(morning(7, LATE));
          const readers = prepare.mock.calls.flatMap(([text], i) =>
            /^select /i.test(text) ? [{ text, sqlite: prepare.mock.contexts[i] as SQLite.Database }] : [],
          );
          expect(readers.some((r) => r.text.includes('from "ops"'))).toBe(true);
          const wholeSchool = readers.flatMap(({ text, sqlite }) => {
            const parameters = Array.from({ length: text.split('?').length - 1 }, () => 'x');
            const plan = sqlite.prepare(`explain query plan ${text}`).all(parameters) as Array<{ detail: string }>;
            return plan
              .map((step) => step.detail)
              .filter((detail) => {
                const [, how, table, index] = /^(SCAN|SEARCH) (\w+)(.*)$/.exec(detail) ?? [];
                return table !== undefined && history.includes(table) && (how === 'SCAN' || /\(school_id=\?\)$/.test(index ?? ''));
              })
              .map((detail) => `${detail} for: ${text}`);
          });
          expect(wholeSchool).toEqual([]);
        } finally {
          prepare.mockRestore();
        }
      },
    );

    it('applies a batch and answers one receipt per op', async () => {
      const ops = [checkIn(1, '100001', EARLY), checkIn(2, '100002', LATE)];
      const response = await sync(ops);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ v: 1, type: 'sync-result' });
      expect(body.receipts).toEqual([{ n: 2, status: 'applied' }]);
      expect(await attendance()).toEqual([
        { student_number: '100001', status: 'present', check_in_at: EARLY, date: '2026-11-25', version: 1 },
        { student_number: '100002', status: 'late', check_in_at: LATE, date: '2026-11-25', version: 1 },
      ]);
    });

    it('accepts ops without an opId, identified by device and sequence number', async () => {
      const ops = [1, 2].map((seq) => {
        const { opId: _opId, ...op } = checkIn(seq, `10000${seq}`, EARLY);
        return op;
      });
      expect(await receipts(ops)).toEqual([{ status: 'applied' }, { status: 'applied' }]);
      expect(await receipts(ops)).toEqual([
        { status: 'duplicate', original: { status: 'applied' } },
        { status: 'duplicate', original: { status: 'applied' } },
      ]);
      expect(await opCount()).toBe(2);
    });

    it('applies check-outs, roll marks and notes to the right record', async () => {
      const base = { session: 'day', base: 0 };
      await receipts([
        checkIn(1, '100001', EARLY),
        { seq: 2, kind: 'check-out', studentId: '100001', at: EARLY + 3_600_000, ...base },
        { seq: 3, kind: 'check-out', studentId: '100001', at: EARLY + 1_800_000, ...base },
        { seq: 4, kind: 'status', status: 'absent', studentId: '100002', at: LATE, ...base },
        { seq: 5, kind: 'note', text: 'Dentist until 10:00', studentId: '100002', at: LATE, ...base },
        { seq: 6, kind: 'status', status: 'present', studentId: '100003', at: LATE, session: 'P1', base: 0 },
      ]);
      const rows = await t.db
        .selectFrom('attendance')
        .innerJoin('students', 'students.id', 'attendance.student_id')
        .select(['student_number', 'session', 'status', 'check_in_at', 'check_out_at'])
        .orderBy('student_number')
        .execute();
      expect(rows).toEqual([
        { student_number: '100001', session: 'day', status: 'present', check_in_at: EARLY, check_out_at: EARLY + 3_600_000 },
        { student_number: '100002', session: 'day', status: 'absent', check_in_at: null, check_out_at: null },
        { student_number: '100003', session: 'P1', status: 'present', check_in_at: null, check_out_at: null },
      ]);
      const notes = await t.db.selectFrom('notes').select(['text', 'device_id']).execute();
      expect(notes).toEqual([{ text: 'Dentist until 10:00', device_id: t.deviceId }]);
    });

    it('turns an absent into late when the student is scanned at the door', async () => {
      await receipts([{ seq: 1, kind: 'status', status: 'absent', studentId: '100001', at: EARLY, session: 'day', base: 0 }]);
      await receipts([checkIn(2, '100001', LATE)]);
      expect((await attendance())[0]).toMatchObject({ status: 'late', check_in_at: LATE });
    });

    it('keeps an excused student excused when a check-in arrives', async () => {
      await receipts([{ seq: 1, kind: 'status', status: 'excused', studentId: '100001', at: EARLY, session: 'day', base: 0 }]);
      await receipts([checkIn(2, '100001', LATE)]);
      expect((await attendance())[0]).toMatchObject({ status: 'excused', check_in_at: LATE });
    });

    it.each([
      ['a status without its mark', { kind: 'status' }],
      ['a note without text', { kind: 'note' }],
      ['a mark on a check-in', { kind: 'check-in', status: 'absent' }],
      ['text on a status', { kind: 'status', status: 'absent', text: 'why' }],
      ['an unknown status', { kind: 'status', status: 'sleeping' }],
      ['a note over the length limit', { kind: 'note', text: 'x'.repeat(LIMITS.maxNoteLength + 1) }],
      ['a session with a slash', { kind: 'check-in', session: 'P1/2' }],
      ['a negative base', { kind: 'check-in', base: -1 }],
    ])('rejects %s alone', async (_name, fields) => {
      const result = await receipts([
        { seq: 1, studentId: '100001', at: EARLY, session: 'day', base: 0, ...fields },
        checkIn(2, '100002', EARLY),
      ]);
      expect(result).toEqual([{ status: 'rejected', code: 'invalid-body' }, { status: 'applied' }]);
    });

    it('answers a replayed batch with duplicates carrying the original receipts, and applies nothing twice', async () => {
      const ops = [checkIn(1, '100001', EARLY), checkIn(2, '555555', EARLY)];
      const first = await receipts(ops);
      const before = { ops: await opCount(), rows: await attendance() };
      const replay = await receipts(ops);
      expect(replay).toEqual([
        { status: 'duplicate', original: { status: 'applied' } },
        { status: 'duplicate', original: { status: 'rejected', code: 'unknown-student' } },
      ]);
      expect(first[1]).toEqual({ status: 'rejected', code: 'unknown-student' });
      expect(await opCount()).toBe(before.ops);
      expect(await attendance()).toEqual(before.rows);
    });

    it('answers a batch that overlaps an earlier one with duplicates for the overlap only', async () => {
      const ops = [checkIn(1, '100001', EARLY), checkIn(2, '100002', EARLY), checkIn(3, '100003', EARLY)];
      await sync(ops.slice(0, 2));
      expect((await receipts(ops)).map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'applied']);
      expect(await opCount()).toBe(3);
    });

    it('rejects an unknown student ID alone and applies the rest of the batch', async () => {
      const ops = [checkIn(1, '100001', EARLY), checkIn(2, '424242', EARLY), checkIn(3, '100003', EARLY)];
      expect(await receipts(ops)).toEqual([{ status: 'applied' }, { status: 'rejected', code: 'unknown-student' }, { status: 'applied' }]);
      expect((await attendance()).map((r) => r.student_number)).toEqual(['100001', '100003']);
    });

    it('rejects a malformed op alone when its identity is sound', async () => {
      const ops = [{ ...checkIn(1, '100001', EARLY), studentId: 'has spaces' }, checkIn(2, '100002', EARLY)];
      expect(await receipts(ops)).toEqual([{ status: 'rejected', code: 'invalid-body' }, { status: 'applied' }]);
    });

    it('rejects a clock years away from the server as time-out-of-range', async () => {
      expect(await receipts([checkIn(1, '100001', Date.parse('2003-01-01T08:00:00Z'))])).toEqual([
        { status: 'rejected', code: 'time-out-of-range' },
      ]);
    });

    it('keeps the earliest check-in when a student taps twice', async () => {
      await sync([checkIn(1, '100001', LATE)]);
      await sync([checkIn(2, '100001', EARLY)]);
      await sync([checkIn(3, '100001', LATE + 60_000)]);
      expect(await attendance()).toEqual([
        { student_number: '100001', status: 'present', check_in_at: EARLY, date: '2026-11-25', version: 2 },
      ]);
    });

    it('judges lateness on the school clock', async () => {
      const at = Date.parse('2026-06-10T07:05:00Z'); // 08:05 in London in summer
      await sync([checkIn(1, '100001', at)]);
      expect(isLate(at, 'Europe/London', '08:00')).toBe(true);
      expect((await attendance())[0]).toMatchObject({ status: 'late', date: localMoment(at, 'Europe/London').date });
    });

    it("judges a period's check-in by the period's start and the day's by the bell, whatever else the batch holds", async () => {
      // 08:05 and 11:05 in London in winter: after the bell (08:00); before P4 starts (11:10), after P1 (08:10) is not.
      const afterBell = Date.parse('2026-11-25T08:05:00Z');
      const beforeP4 = Date.parse('2026-11-25T11:05:00Z');
      await sync([checkIn(1, '100001', afterBell)]);
      await sync([{ ...checkIn(2, '100002', beforeP4), session: 'P4' }]);
      await sync([
        checkIn(3, '100003', afterBell),
        { ...checkIn(4, '100003', beforeP4), session: 'P4' },
        { ...checkIn(5, '100004', afterBell), session: 'P1' },
      ]);
      const rows = await t.db
        .selectFrom('attendance')
        .innerJoin('students', 'students.id', 'attendance.student_id')
        .select(['student_number', 'session', 'status'])
        .orderBy('student_number')
        .orderBy('session')
        .execute();
      expect(rows).toEqual([
        { student_number: '100001', session: 'day', status: 'late' },
        { student_number: '100002', session: 'P4', status: 'present' },
        { student_number: '100003', session: 'P4', status: 'present' },
        { student_number: '100003', session: 'day', status: 'late' },
        { student_number: '100004', session: 'P1', status: 'present' },
      ]);
    });

    it('refuses a different op under a sequence number the device already used', async () => {
      await sync([checkIn(1, '100001', EARLY)]);
      expect(await receipts([checkIn(1, '100002', EARLY)])).toEqual([{ status: 'rejected', code: 'op-identity-mismatch' }]);
      expect((await attendance()).map((r) => r.student_number)).toEqual(['100001']);
    });

    it('answers an op already received under another identity as a duplicate', async () => {
      const id = opId();
      await sync([checkIn(1, '100001', EARLY, id)]);
      expect(await receipts([checkIn(9, '100001', EARLY, id)])).toEqual([{ status: 'duplicate', original: { status: 'applied' } }]);
      expect(await opCount()).toBe(1);
    });

    it('records the device and the highest sequence number it has sent', async () => {
      await sync([checkIn(1, '100001', EARLY), checkIn(7, '100002', EARLY)]);
      const device = await t.db.selectFrom('devices').selectAll().executeTakeFirstOrThrow();
      expect(device).toMatchObject({ id: t.deviceId, kiosk_id: t.kioskId, last_seq: 7 });
    });

    it('accepts an empty batch', async () => {
      const response = await sync([]);
      expect(response.statusCode).toBe(200);
      expect(response.json().receipts).toEqual([]);
    });
  });

  describe('a long batch, applied a slice at a time', () => {
    const kiosk = (deviceId = t.deviceId): Sender => ({
      kind: 'kiosk',
      schoolId: t.schoolId,
      deviceId,
      kioskId: t.kioskId,
      name: 'Main entrance',
    });
    /** A kiosk's long backlog: every demo student tapping in, over and over, a second apart. */
    const backlog = (length: number) =>
      Array.from({ length }, (_, i) => ({
        seq: i + 1,
        kind: 'check-in',
        studentId: String(100001 + (i % 600)),
        at: EARLY + i * 1000,
        session: 'day',
        base: 0,
      }));

    it("lets another kiosk's batch in between its slices instead of holding the database for the whole batch", async () => {
      const other = 'other-kiosk-at-the-side-door-0000001';
      await t.pair(other);
      const finished: string[] = [];
      const long = ingestBatch(t.db, kiosk(), { deviceId: t.deviceId, ops: backlog(LIMITS.maxOpsPerBatch) }, {}, t.clock.now).then(() =>
        finished.push('long'),
      );
      const short = ingestBatch(t.db, kiosk(other), { deviceId: other, ops: [checkIn(1, '100001', EARLY)] }, {}, t.clock.now).then(() =>
        finished.push('short'),
      );
      await Promise.all([long, short]);
      expect(finished).toEqual(['short', 'long']);
      expect(await opCount()).toBe(LIMITS.maxOpsPerBatch + 1);
    });

    it("applies a batch up to a school's morning in one transaction", async () => {
      let transactions = 0;
      const counting = new Proxy(t.db, {
        get(target, property) {
          if (property === 'transaction')
            return () => {
              transactions++;
              return target.transaction();
            };
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }) as Db;
      await ingestBatch(counting, kiosk(), { deviceId: t.deviceId, ops: backlog(WHOLE_BATCH_OPS) }, {}, t.clock.now);
      expect(transactions).toBe(1);
      // One more than that goes in slices.
      const longer = backlog(WHOLE_BATCH_OPS + 1).map((op) => ({ ...op, seq: op.seq + WHOLE_BATCH_OPS }));
      await ingestBatch(counting, kiosk(), { deviceId: t.deviceId, ops: longer }, {}, t.clock.now);
      expect(transactions).toBe(1 + Math.ceil((WHOLE_BATCH_OPS + 1) / OPS_PER_TRANSACTION));
      expect(await opCount()).toBe(2 * WHOLE_BATCH_OPS + 1);
    });

    it('applies each op once when a batch cut off after its first slice is sent again', async () => {
      // The database stops answering after the first slice's transaction, as when the server is stopped mid-batch.
      let transactions = 0;
      const stopping = new Proxy(t.db, {
        get(target, property) {
          if (property === 'transaction')
            return () => {
              transactions++;
              if (transactions === 1) return target.transaction();
              return { execute: () => Promise.reject(new Error('the server stopped')) };
            };
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      }) as Db;
      const ops = backlog(LIMITS.maxOpsPerBatch);
      await expect(ingestBatch(stopping, kiosk(), { deviceId: t.deviceId, ops }, {}, t.clock.now)).rejects.toThrow('the server stopped');
      const kept = await opCount();
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(ops.length);

      const again = fromRuns((await ingestBatch(t.db, kiosk(), { deviceId: t.deviceId, ops }, {}, t.clock.now)).receipts);
      expect(again.slice(0, kept)).toEqual(Array.from({ length: kept }, () => ({ status: 'duplicate', original: { status: 'applied' } })));
      expect(again.slice(kept)).toEqual(Array.from({ length: ops.length - kept }, () => ({ status: 'applied' })));
      expect(await opCount()).toBe(ops.length);
      // Each student's first tap made their record; the later taps changed nothing, so nothing is in the audit log twice.
      const records = await attendance();
      expect(records).toHaveLength(600);
      expect(records.every((r) => r.version === 1)).toBe(true);
      const audited = await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(audited.n)).toBe(600);
      const device = await t.db.selectFrom('devices').select('last_seq').where('id', '=', t.deviceId).executeTakeFirstOrThrow();
      expect(Number(device.last_seq)).toBe(ops.length);
    });
  });

  describe('POST /api/sync refuses bad requests with a stable code and changes nothing', () => {
    const cases: Array<[string, () => Promise<{ statusCode: number; json: () => { error: { code: string } } }>, number, string]> = [
      [
        'malformed JSON',
        () => t.asKiosk({ method: 'POST', url: '/api/sync', headers: { 'content-type': 'application/json' }, payload: '{"v":1,' }),
        400,
        'bad-json',
      ],
      [
        'an empty body',
        () => t.asKiosk({ method: 'POST', url: '/api/sync', headers: { 'content-type': 'application/json' }, payload: '' }),
        400,
        'empty-body',
      ],
      ['a JSON array', () => t.asKiosk({ method: 'POST', url: '/api/sync', payload: [1, 2] }), 400, 'invalid-body'],
      [
        'a form body',
        () =>
          t.asKiosk({ method: 'POST', url: '/api/sync', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' }),
        415,
        'unsupported-media-type',
      ],
      ['ops that is not a list', () => sync('lots' as never), 400, 'invalid-body'],
      ['a seq that is a string', () => sync([{ ...checkIn(1, '100001', EARLY), seq: '1' }]), 400, 'invalid-body'],
      ['a negative seq', () => sync([checkIn(-1, '100001', EARLY)]), 400, 'invalid-body'],
      ['an opId that is not a ULID', () => sync([{ ...checkIn(1, '100001', EARLY), opId: 'not-a-ulid' }]), 400, 'invalid-body'],
      ['a seq repeated within the batch', () => sync([checkIn(1, '100001', EARLY), checkIn(1, '100002', EARLY)]), 400, 'invalid-body'],
      ['an unknown field', () => sync([], { admin: true }), 400, 'invalid-body'],
      ['a newer protocol version', () => sync([], { v: 2 }), 400, 'unsupported-version'],
      ['a version older than the server takes (the device needs an update)', () => sync([], { v: 0 }), 400, 'update-required'],
      ['a device id with a slash', () => sync([], { deviceId: '../../etc/passwd' }), 400, 'invalid-body'],
      ["another device's id", () => sync([checkIn(1, '100001', EARLY)], { deviceId: 'someone-elses-device' }), 401, 'device-unauthorized'],
      [
        'no device token and no session',
        () =>
          t.app.inject({
            method: 'POST',
            url: '/api/sync',
            payload: { v: 1, type: 'sync', deviceId: t.deviceId, kioskId: t.kioskId, ops: [] },
          }),
        401,
        'not-signed-in',
      ],
      [
        'too many ops',
        () => sync(Array.from({ length: LIMITS.maxOpsPerBatch + 1 }, (_, i) => checkIn(i + 1, '100001', EARLY))),
        413,
        'too-many-ops',
      ],
      [
        'a body over the size cap',
        () =>
          t.asKiosk({
            method: 'POST',
            url: '/api/sync',
            headers: { 'content-type': 'application/json' },
            payload: `{"pad":"${'x'.repeat(LIMITS.maxBodyBytes)}"}`,
          }),
        413,
        'body-too-large',
      ],
    ];

    it.each(cases)('%s', async (_name, send, status, code) => {
      const response = await send();
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(await opCount()).toBe(0);
      expect(await attendance()).toEqual([]);
    });
  });

  describe('POST /api/marks (a page no worker controls yet)', () => {
    function mark(payload: Record<string, unknown>) {
      // A page posts straight to the server the moment the mark is made.
      t.clock.now = typeof payload.at === 'number' ? payload.at : EARLY;
      return t.asKiosk({
        method: 'POST',
        url: '/api/marks',
        payload: { v: 1, kind: 'check-in', kioskId: t.kioskId, at: EARLY, ...payload },
      });
    }

    it('goes through the same ingest and answers what the kiosk should say', async () => {
      const id = opId();
      const response = await mark({ opId: id, studentId: '100001' });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        v: 1,
        type: 'mark-answer',
        opId: id,
        queued: false,
        studentId: '100001',
        student: { name: 'Ada Lovelace', homeroom: '7A' },
        at: EARLY,
        localTime: '07:58',
        late: false,
      });
      expect(await attendance()).toHaveLength(1);
    });

    it('answers a repeated post with the same answer and applies it once', async () => {
      const id = opId();
      await mark({ opId: id, studentId: '100001', at: LATE });
      const again = await mark({ opId: id, studentId: '100001', at: LATE });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ late: true, localTime: '08:14' });
      expect(await opCount()).toBe(1);
    });

    it('refuses an unknown student with unknown-student', async () => {
      const response = await mark({ opId: opId(), studentId: '999999' });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('unknown-student');
    });

    it('refuses a mark with a missing field', async () => {
      const response = await t.asKiosk({ method: 'POST', url: '/api/marks', payload: { v: 1, kind: 'check-in', opId: opId(), at: EARLY } });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid-body', details: { path: '$.studentId', problem: 'is required' } });
    });
  });
});
