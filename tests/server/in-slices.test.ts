/**
 * Multi-row inserts: a batch's rows go in as built insert texts when every
 * row names the same plain columns, and through Kysely otherwise; either way
 * every row is stored once, in order, with its values as given.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import SQLite from 'better-sqlite3';
import { insertInSlices, selectInSlices } from '../../src/server/db/in-slices.ts';
import { databases } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe.each(databases())('on %s', (database) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => {
    await t.app.close();
  });

  const stored = async () =>
    t.db
      .selectFrom('changes')
      .select(['at', 'payload', 'origin_device', 'echo'])
      .where('school_id', '=', t.schoolId)
      .orderBy('seq')
      .execute();

  it('stores every row of several slices once, in order, with awkward text kept as sent', async () => {
    const before = (await stored()).length;
    const rows = Array.from({ length: 450 }, (_, i) => ({
      school_id: t.schoolId,
      school_seq: 0,
      at: 1_700_000_000_000 + i,
      payload: `{"n":${i},"text":"it's \\"quoted\\" ? $1 — ünïcode"}`,
      origin_device: i % 3 === 0 ? null : `device-${i}`,
      echo: i % 2,
    }));
    await insertInSlices(t.db, 'changes', rows);
    const after = (await stored()).slice(before);
    expect(after.map((r) => ({ ...r, at: Number(r.at), echo: Number(r.echo) }))).toEqual(
      rows.map(({ school_id: _school, school_seq: _seq, ...r }) => r),
    );
  });

  it('stores a row that leaves a nullable column out, or gives it as undefined, next to rows that name it', async () => {
    const before = (await stored()).length;
    await insertInSlices(t.db, 'changes', [
      { school_id: t.schoolId, school_seq: 0, at: 1, payload: 'a', origin_device: 'd', echo: 1 },
      { school_id: t.schoolId, school_seq: 0, at: 2, payload: 'b', echo: 0 },
      { school_id: t.schoolId, school_seq: 0, at: 3, payload: 'c', origin_device: undefined, echo: 1 },
    ]);
    const after = (await stored()).slice(before);
    expect(after.map((r) => [Number(r.at), r.payload, r.origin_device, Number(r.echo)])).toEqual([
      [1, 'a', 'd', 1],
      [2, 'b', null, 0],
      [3, 'c', null, 1],
    ]);
  });

  it('writes the declared columns of every row, and a row lacking one through Kysely with the rest', async () => {
    const before = (await stored()).length;
    const columns = ['school_id', 'school_seq', 'at', 'payload', 'origin_device', 'echo'] as const;
    await insertInSlices(
      t.db,
      'changes',
      [
        { school_id: t.schoolId, school_seq: 0, at: 1, payload: 'a', origin_device: 'd', echo: 1 },
        { school_id: t.schoolId, school_seq: 0, at: 2, payload: 'b', origin_device: null, echo: 0 },
      ],
      columns,
    );
    await insertInSlices(
      t.db,
      'changes',
      [
        { school_id: t.schoolId, school_seq: 0, at: 3, payload: 'c', origin_device: 'e', echo: 1 },
        { school_id: t.schoolId, school_seq: 0, at: 4, payload: 'd', echo: 1 },
      ],
      columns,
    );
    const after = (await stored()).slice(before);
    expect(after.map((r) => [Number(r.at), r.payload, r.origin_device, Number(r.echo)])).toEqual([
      [1, 'a', 'd', 1],
      [2, 'b', null, 0],
      [3, 'c', 'e', 1],
      [4, 'd', null, 1],
    ]);
  });

  it('inserts nothing for no rows', async () => {
    const before = (await stored()).length;
    await insertInSlices(t.db, 'changes', []);
    expect((await stored()).length).toBe(before);
  });

  describe('selectInSlices', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        school_id: t.schoolId,
        school_seq: 0,
        at: 2_000_000_000_000 + i,
        payload: `{"n":${i},"text":"it's ? $1 — ünïcode"}`,
        origin_device: `device-${i % 4}`,
        echo: i % 2,
      }));
    const select = (payloads: readonly string[], devices: readonly string[]) =>
      selectInSlices<{ payload: string; at: number; echo: number }>(t.db, {
        table: 'changes',
        columns: ['payload', 'at', 'echo'],
        where: [
          ['school_id', t.schoolId],
          ['origin_device', devices],
        ],
        in: ['payload', payloads],
      });

    it('finds the rows whose column is in a list longer than one statement binds, meeting every other condition', async () => {
      const written = rows(1_234);
      await insertInSlices(t.db, 'changes', written);
      const wanted = written.filter((_, i) => i % 5 !== 0).map((r) => r.payload);
      const found = await select([...wanted, 'no such payload'], ['device-1', 'device-2']);
      const expected = written.filter((r, i) => i % 5 !== 0 && (r.origin_device === 'device-1' || r.origin_device === 'device-2'));
      expect(found.map((r) => ({ ...r, at: Number(r.at), echo: Number(r.echo) })).sort((a, b) => a.at - b.at)).toEqual(
        expected.map((r) => ({ payload: r.payload, at: r.at, echo: r.echo })),
      );
    });

    it('finds nothing for an empty list, without asking the database', async () => {
      await insertInSlices(t.db, 'changes', rows(3));
      expect(await select([], ['device-1'])).toEqual([]);
      expect(await select([rows(3)[1]?.payload ?? ''], [])).toEqual([]);
    });

    it.runIf(database === 'sqlite')('prepares a statement of one shape once', async () => {
      const written = rows(20);
      await insertInSlices(t.db, 'changes', written);
      expect(await select([written[1]?.payload ?? ''], ['device-1'])).toHaveLength(1);
      const prepare = vi.spyOn(SQLite.prototype, 'prepare');
      try {
        expect(await select([written[5]?.payload ?? ''], ['device-1'])).toHaveLength(1);
        expect(prepare).not.toHaveBeenCalled();
      } finally {
        prepare.mockRestore();
      }
    });
  });
});
