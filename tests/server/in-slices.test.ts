/**
 * Multi-row inserts: a batch's rows go in as built insert texts when every
 * row names the same plain columns, and through Kysely otherwise; either way
 * every row is stored once, in order, with its values as given.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertInSlices } from '../../src/server/db/in-slices.ts';
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
      at: 1_700_000_000_000 + i,
      payload: `{"n":${i},"text":"it's \\"quoted\\" ? $1 — ünïcode"}`,
      origin_device: i % 3 === 0 ? null : `device-${i}`,
      echo: i % 2,
    }));
    await insertInSlices(t.db, 'changes', rows);
    const after = (await stored()).slice(before);
    expect(after.map((r) => ({ ...r, at: Number(r.at), echo: Number(r.echo) }))).toEqual(rows.map(({ school_id: _school, ...r }) => r));
  });

  it('stores a row that leaves a nullable column out, or gives it as undefined, next to rows that name it', async () => {
    const before = (await stored()).length;
    await insertInSlices(t.db, 'changes', [
      { school_id: t.schoolId, at: 1, payload: 'a', origin_device: 'd', echo: 1 },
      { school_id: t.schoolId, at: 2, payload: 'b', echo: 0 },
      { school_id: t.schoolId, at: 3, payload: 'c', origin_device: undefined, echo: 1 },
    ]);
    const after = (await stored()).slice(before);
    expect(after.map((r) => [Number(r.at), r.payload, r.origin_device, Number(r.echo)])).toEqual([
      [1, 'a', 'd', 1],
      [2, 'b', null, 0],
      [3, 'c', null, 1],
    ]);
  });

  it('inserts nothing for no rows', async () => {
    const before = (await stored()).length;
    await insertInSlices(t.db, 'changes', []);
    expect((await stored()).length).toBe(before);
  });
});
