/**
 * The roster import over HTTP, on both databases: preview, apply, the same
 * export again, a later export with leavers, joiners, a rename and a
 * homeroom move, problems that refuse, a stale preview, and who may import.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../src/server/auth/accounts.ts';
import { openDatabase, type Db } from '../../src/server/db/open-database.ts';
import { DEMO_SCHOOL } from '../../src/server/demo-school.ts';
import type { RosterPreview } from '../../src/shared/roster-protocol.ts';
import { databases } from '../support/databases.ts';
import { databaseFingerprint } from '../support/fingerprint.ts';
import {
  ALL_QUIRKS,
  exportFiles,
  makeExport,
  withFile,
  writeExportFolder,
  zipExport,
  type FixtureExport,
} from '../support/roster-export.ts';
import { addSecondSchool } from '../support/second-school.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let admin: Record<string, string>;

/** The fingerprint, with the tables an import also writes that it leaves out. */
async function fingerprint(db: Db): Promise<unknown> {
  const extra: Record<string, string> = {};
  for (const table of ['homerooms', 'staff_homerooms']) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows
      .map((r) => JSON.stringify(r))
      .sort();
    extra[table] = createHash('sha256').update(rows.join('\n')).digest('hex');
  }
  return { ...(await databaseFingerprint(db)), ...extra };
}

/** The demo school's export: its org has the demo school's name, so the first import links it. */
const riverside = (students = 24): FixtureExport => makeExport({ students, names: [DEMO_SCHOOL.name] });

function upload(step: 'preview' | 'apply', zip: Uint8Array, headers = admin, query: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/roster-import/${step}`,
    query: { format: 'oneroster', ...query },
    headers: { ...headers, 'content-type': 'application/zip' },
    payload: Buffer.from(zip),
  });
}

async function importExport(zip: Uint8Array): Promise<RosterPreview> {
  const preview = await upload('preview', zip);
  expect(preview.statusCode, preview.body).toBe(200);
  const { previewId } = preview.json() as RosterPreview;
  const applied = await upload('apply', zip, admin, { previewId });
  expect(applied.statusCode, applied.body).toBe(200);
  return applied.json() as RosterPreview;
}

async function kioskRoster(): Promise<{ studentIds: string[]; names: string[]; homerooms: string[]; version: string }> {
  return (await t.asKiosk('/api/roster')).json();
}

describe.each(databases())('on %s', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
    admin = await t.signIn('admin');
  });
  afterEach(() => t.close());

  it('previews without changing anything, then applies exactly what it showed in one go', async () => {
    const zip = zipExport(exportFiles(riverside()));
    const before = await fingerprint(t.db);
    const preview = await upload('preview', zip);
    expect(preview.statusCode, preview.body).toBe(200);
    const shown = preview.json() as RosterPreview;
    expect(shown.applied).toBe(false);
    expect(shown.problems).toEqual([]);
    expect(shown.schools).toMatchObject([
      {
        sourcedId: 'org-A',
        name: DEMO_SCHOOL.name,
        students: { new: 24, changed: 0, left: 600, unchanged: 0 },
        homerooms: 4,
        staff: { new: 5, changed: 0, left: 0, unchanged: 0 },
      },
    ]);
    expect(await fingerprint(t.db)).toEqual(before);

    const applied = await upload('apply', zip, admin, { previewId: shown.previewId });
    expect(applied.statusCode, applied.body).toBe(200);
    expect((applied.json() as RosterPreview).schools[0]?.students).toEqual(shown.schools[0]?.students);

    const roster = await kioskRoster();
    expect(roster.version).toBe('2');
    expect(roster.studentIds).toHaveLength(24);
    expect(roster.names).toContain('Zoë Núñez, Jr.');
    // Leavers stay, with their history, off the roster.
    const left = await t.db
      .selectFrom('students')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('left_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(600);
    const school = await t.db
      .selectFrom('schools')
      .select(['source_id', 'roster_version'])
      .where('id', '=', t.schoolId)
      .executeTakeFirstOrThrow();
    expect(school).toEqual({ source_id: 'org-A', roster_version: 2 });
    const change = await t.db
      .selectFrom('changes')
      .select('payload')
      .where('school_id', '=', t.schoolId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(change.payload)).toEqual({ kind: 'roster', version: '2' });
    const log = await t.db.selectFrom('admin_log').selectAll().where('school_id', '=', t.schoolId).execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'roster-imported', actor_name: 'Alan Turing', subject: 'org-A' });
    expect(JSON.parse(log[0]?.details ?? '{}')).toMatchObject({ students: { new: 24, left: 600 }, staff: { new: 5 } });

    const teacher = await t.db.selectFrom('staff').selectAll().where('source_id', '=', 'tea-A-1').executeTakeFirstOrThrow();
    expect(teacher).toMatchObject({ email: 'teacher1.a@northfield.example', role: 'teacher', must_change_password: 1 });
    expect(teacher.password_hash.startsWith('scrypt$')).toBe(false);
    const homerooms = await t.db.selectFrom('staff_homerooms').select('homeroom').where('staff_id', '=', teacher.id).execute();
    expect(homerooms).toEqual([{ homeroom: '7A' }]);
    const head = await t.db.selectFrom('staff').select('role').where('source_id', '=', 'adm-A-1').executeTakeFirstOrThrow();
    expect(head.role).toBe('admin');
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: 'http://localhost:80' },
      payload: { v: 1, email: 'teacher1.a@northfield.example', password: teacher.password_hash },
    });
    expect(signIn.statusCode).toBe(401);
  });

  it('changes nothing when the same export comes again', async () => {
    const zip = zipExport(exportFiles(riverside()));
    await importExport(zip);
    const before = await fingerprint(t.db);
    const again = await importExport(zip);
    expect(again.schools[0]).toMatchObject({
      students: { new: 0, changed: 0, left: 0, unchanged: 24 },
      staff: { new: 0, changed: 0, left: 0, unchanged: 5 },
    });
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('takes a later export: a leaver, a joiner, a rename, a homeroom move, a new card number, a teacher gone', async () => {
    const first = riverside();
    await importExport(zipExport(exportFiles(first)));
    const later = structuredClone(first);
    const school = later.schools[0];
    if (!school) throw new Error('no school');
    const leaver = school.students.splice(0, 1)[0];
    school.students.push({
      sourcedId: 'stu-new',
      identifier: '777001',
      givenName: 'Eóin',
      familyName: "D'Arcy",
      grade: '07',
      homeroom: 'class-A-hr-1',
    });
    const renamed = school.students[0] as (typeof school.students)[0];
    renamed.familyName = 'Renamed';
    const moved = school.students[1] as (typeof school.students)[0];
    moved.homeroom = moved.homeroom === 'class-A-hr-1' ? 'class-A-hr-2' : 'class-A-hr-1';
    const renumbered = school.students[4] as (typeof school.students)[0];
    renumbered.identifier = '888002';
    (school.homerooms[3] as { title: string }).title = '10Z';
    const gone = school.staff.splice(0, 1)[0];
    const report = await importExport(zipExport(exportFiles(later)));
    const moves = school.students.filter((s) => s.homeroom === 'class-A-hr-4').length;
    expect(report.schools[0]?.students).toEqual({ new: 1, changed: 3 + moves, left: 1, unchanged: 24 - 1 - 3 - moves });
    expect(report.schools[0]?.fields).toMatchObject({ name: 1, studentNumber: 1, homeroom: 1 + moves });
    expect(report.schools[0]?.staff).toMatchObject({ left: 1, changed: 1 });

    const roster = await kioskRoster();
    expect(roster.studentIds).toContain('777001');
    expect(roster.studentIds).toContain('888002');
    expect(roster.studentIds).not.toContain(leaver?.identifier);
    expect(roster.homerooms).toContain('10Z');
    const kept = await t.db
      .selectFrom('students')
      .select(['left_at', 'name'])
      .where('source_id', '=', leaver?.sourcedId ?? '')
      .executeTakeFirstOrThrow();
    expect(kept.left_at).not.toBeNull();
    const renumberedRow = await t.db
      .selectFrom('students')
      .select('student_number')
      .where('source_id', '=', renumbered.sourcedId)
      .execute();
    expect(renumberedRow).toEqual([{ student_number: '888002' }]);
    const teacher = await t.db
      .selectFrom('staff')
      .select('deactivated_at')
      .where('source_id', '=', gone?.sourcedId ?? '')
      .executeTakeFirstOrThrow();
    expect(teacher.deactivated_at).not.toBeNull();
    const hr = await t.db.selectFrom('homerooms').select('name').where('source_id', '=', 'class-A-hr-4').executeTakeFirstOrThrow();
    expect(hr.name).toBe('10Z');

    // The leaver comes back: the same student, left_at cleared.
    const back = structuredClone(later);
    back.schools[0]?.students.push(leaver as (typeof school.students)[0]);
    const returned = await importExport(zipExport(exportFiles(back)));
    expect(returned.schools[0]?.fields).toEqual({ returned: 1 });
    expect((await kioskRoster()).studentIds).toContain(leaver?.identifier);
  });

  it('tells open pages and kiosks that the roster changed, with the change-feed number to pull', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const response = await fetch(`${base}/api/events`, { headers: { cookie: admin.cookie ?? '' }, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let heard = '';
    const hear = async (text: string): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!heard.includes(text)) {
        if (Date.now() > deadline) throw new Error(`did not hear ${text}; heard ${heard}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended; heard ${heard}`);
        heard += decoder.decode(value, { stream: true });
      }
    };
    await hear('"ready"');
    await importExport(zipExport(exportFiles(riverside())));
    await hear('"roster-changed"');
    const seq = await t.db
      .selectFrom('changes')
      .select('school_seq')
      .where('school_id', '=', t.schoolId)
      .orderBy('school_seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(heard).toContain(JSON.stringify({ v: 1, kind: 'roster-changed', seq: Number(seq.school_seq) }));
    controller.abort();
  });

  it('refuses an export with problems and changes nothing', async () => {
    const files = exportFiles(riverside());
    const text = new TextDecoder().decode(files.get('users.csv'));
    const zip = zipExport(withFile(files, 'users.csv', text.replace(',500002,', ',,')));
    const before = await fingerprint(t.db);
    const preview = (await upload('preview', zip)).json() as RosterPreview;
    expect(preview.problems).toEqual([
      expect.objectContaining({ code: 'missing-identifier', file: 'users.csv', row: 3, column: 'identifier' }),
    ]);
    const applied = await upload('apply', zip, admin, { previewId: preview.previewId });
    expect(applied.statusCode).toBe(422);
    expect(applied.json()).toMatchObject({
      error: { code: 'roster-has-problems', details: { problems: [{ code: 'missing-identifier' }] } },
    });
    expect(await fingerprint(t.db)).toEqual(before);
    const notZip = await upload('preview', new TextEncoder().encode('PK\u0003\u0004 broken'));
    expect((notZip.json() as RosterPreview).problems.map((p) => p.code)).toEqual(['not-an-export']);
  });

  it('applies only the preview it was shown: a roster changed since is refused', async () => {
    const zip = zipExport(exportFiles(riverside()));
    const { previewId } = (await upload('preview', zip)).json() as RosterPreview;
    await importExport(zipExport(exportFiles(riverside(20))));
    const before = await fingerprint(t.db);
    const stale = await upload('apply', zip, admin, { previewId });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'roster-preview-stale' } });
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('lets only an admin import, and only into their own schools', async () => {
    const zip = zipExport(exportFiles(riverside()));
    for (const role of ['teacher', 'office'] as const) {
      const refused = await upload('preview', zip, await t.signIn(role));
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    const anonymous = await upload('preview', zip, {});
    expect(anonymous.statusCode).toBe(401);
    const hill = await addSecondSchool(t);
    const before = await fingerprint(t.db);
    const other = await upload('preview', zip, hill.as.admin);
    expect((other.json() as RosterPreview).problems.map((p) => p.code)).toEqual(['no-school']);
    const applied = await upload('apply', zip, hill.as.admin, { previewId: (other.json() as RosterPreview).previewId });
    expect(applied.statusCode).toBe(422);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('reads a plain CSV with the columns the admin mapped', async () => {
    const csv = Buffer.from('\uFEFFPupil,First name,Last name,Form\r\n100001,Ada,Lovelace,7A\r\n990001,Zoë,"O\'Brien, Jr.",7B\r\n');
    const columns = await t.app.inject({
      method: 'POST',
      url: '/api/roster-import/columns',
      headers: { ...admin, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(columns.json()).toMatchObject({ type: 'roster-columns', header: ['Pupil', 'First name', 'Last name', 'Form'], rowCount: 2 });
    const query = { format: 'csv', studentId: 'Pupil', givenName: 'First name', familyName: 'Last name', homeroom: 'Form' };
    const send = (step: string, extra: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: `/api/roster-import/${step}`,
        query: { ...query, ...extra },
        headers: { ...admin, 'content-type': 'text/csv' },
        payload: csv,
      });
    const preview = (await send('preview')).json() as RosterPreview;
    expect(preview.schools[0]).toMatchObject({ students: { new: 1, changed: 1, left: 599, unchanged: 0 }, fields: { name: 1 } });
    const applied = await send('apply', { previewId: preview.previewId });
    expect(applied.statusCode, applied.body).toBe(200);
    expect((await kioskRoster()).names).toEqual(['Ada Lovelace', "Zoë O'Brien, Jr."]);
    const missing = await send('preview', { studentId: 'ID' });
    expect((missing.json() as RosterPreview).problems).toEqual([expect.objectContaining({ code: 'missing-column', column: 'ID' })]);
  });

  /** A plain CSV of ID, given and family name, previewed; then applied with that preview's id. */
  async function previewAndApplyCsv(text: string): Promise<{ preview: RosterPreview; applied: { statusCode: number; body: string } }> {
    const send = (step: string, extra: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: `/api/roster-import/${step}`,
        query: { format: 'csv', studentId: 'ID', givenName: 'Given', familyName: 'Family', ...extra },
        headers: { ...admin, 'content-type': 'text/csv' },
        payload: Buffer.from(text),
      });
    const answer = await send('preview');
    expect(answer.statusCode, answer.body).toBe(200);
    const preview = answer.json() as RosterPreview;
    const applied = await send('apply', { previewId: preview.previewId });
    return { preview, applied: { statusCode: applied.statusCode, body: applied.body } };
  }

  it('refuses one student ID on two rows of a plain CSV as a problem with its row and column, and changes nothing', async () => {
    const before = await fingerprint(t.db);
    // A new ID twice, and a student the school already has twice.
    for (const [text, id, row] of [
      ['ID,Given,Family\n200001,Ada,Byron\n200002,Alan,Turing\n200002,Grace,Hopper\n', '200002', 3],
      ['ID,Given,Family\n100001,Ada,Lovelace\n100001,Grace,Hopper\n', '100001', 2],
    ] as const) {
      const { preview, applied } = await previewAndApplyCsv(text);
      expect(preview.problems).toEqual([
        {
          code: 'duplicate-identifier',
          file: 'roster.csv',
          row: row + 1,
          column: 'ID',
          message: `Another student in this school has the same ID. The ID ${id} is on row ${row} and row ${row + 1}.`,
        },
      ]);
      expect(applied.statusCode, applied.body).toBe(422);
      expect(JSON.parse(applied.body)).toMatchObject({ error: { code: 'roster-has-problems' } });
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses two users with the same identifier in one school of a OneRoster zip, and changes nothing', async () => {
    const files = exportFiles(riverside());
    const text = new TextDecoder().decode(files.get('users.csv'));
    const zip = zipExport(withFile(files, 'users.csv', text.replace(',500002,', ',500001,')));
    const before = await fingerprint(t.db);
    const preview = await upload('preview', zip);
    expect(preview.statusCode, preview.body).toBe(200);
    const shown = preview.json() as RosterPreview;
    expect(shown.problems).toEqual([
      {
        code: 'duplicate-identifier',
        file: 'users.csv',
        row: 3,
        column: 'identifier',
        message: 'Another student in this school has the same ID. The ID 500001 is on row 2 and row 3.',
      },
    ]);
    const applied = await upload('apply', zip, admin, { previewId: shown.previewId });
    expect(applied.statusCode).toBe(422);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a plain CSV row with an empty student ID, given name or family name, naming its row and column', async () => {
    const before = await fingerprint(t.db);
    const { preview, applied } = await previewAndApplyCsv(
      'ID,Given,Family\n200001,Ada,Byron\n200003,,Nameless\n,Grace,Hopper\n200005,Alan,\n',
    );
    expect(preview.problems.map(({ code, file, row, column }) => ({ code, file, row, column }))).toEqual([
      { code: 'missing-given-name', file: 'roster.csv', row: 3, column: 'Given' },
      { code: 'missing-identifier', file: 'roster.csv', row: 4, column: 'ID' },
      { code: 'missing-family-name', file: 'roster.csv', row: 5, column: 'Family' },
    ]);
    expect(preview.problems[0]?.message).toBe('This person has no given name.');
    expect(applied.statusCode).toBe(422);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a OneRoster user with an empty givenName, which OneRoster 1.1 requires', async () => {
    const files = exportFiles(riverside());
    const text = new TextDecoder().decode(files.get('users.csv'));
    const student = riverside().schools[0]?.students[1];
    if (!student) throw new Error('no student');
    expect(text).toContain(`,${student.givenName},`);
    const lines = text.split('\n');
    lines[2] = (lines[2] ?? '').replace(`,${student.givenName},`, ',,');
    const zip = zipExport(withFile(files, 'users.csv', lines.join('\n')));
    const before = await fingerprint(t.db);
    const shown = (await upload('preview', zip)).json() as RosterPreview;
    expect(shown.problems).toEqual([
      expect.objectContaining({ code: 'missing-given-name', file: 'users.csv', row: 3, column: 'givenName' }),
    ]);
    const applied = await upload('apply', zip, admin, { previewId: shown.previewId });
    expect(applied.statusCode).toBe(422);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('the import-roster command', () => {
  const cli = path.resolve('dist/server/cli.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-roster-cli-'));
  const dbFile = path.join(dir, 'doorline.db');
  const run = (...args: string[]): { status: number | null; line: Record<string, unknown> | null; stderr: string } => {
    const result = spawnSync(process.execPath, [cli, ...args], {
      env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}` },
      encoding: 'utf8',
    });
    const lines = result.stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBeLessThanOrEqual(1);
    return { status: result.status, line: lines[0] ? (JSON.parse(lines[0]) as Record<string, unknown>) : null, stderr: result.stderr };
  };
  const count = (sqlText: string): number => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return Number((db.prepare(sqlText).get() as { n: number }).n);
    } finally {
      db.close();
    }
  };

  it('imports a folder or a zip, prints one JSON line, and exits non-zero on problems', async () => {
    if (!fs.existsSync(cli)) throw new Error('dist/server/cli.js is missing: run "node build.mjs" first (npm test does).');
    const folder = path.join(dir, 'export');
    writeExportFolder(folder, exportFiles(makeExport(), ALL_QUIRKS));
    const zip = path.join(dir, 'export.zip');
    fs.writeFileSync(zip, zipExport(exportFiles(makeExport())));

    const needsZone = run('import-roster', folder, '--dry-run');
    expect(needsZone.status).toBe(1);
    expect(needsZone.line).toMatchObject({
      dryRun: true,
      schools: [],
      problems: [{ code: 'time-zone-required', file: 'orgs.csv', row: null, column: null }],
    });

    const dry = run('import-roster', folder, '--time-zone', 'Europe/London', '--dry-run');
    expect(dry.status).toBe(0);
    const counts = { new: 24, changed: 0, left: 0, unchanged: 0 };
    expect(dry.line).toEqual({
      dryRun: true,
      schools: [
        { sourcedId: 'org-A', name: 'Northfield Academy', created: true, students: counts, homerooms: 4, staff: { ...counts, new: 5 } },
      ],
      problems: [],
    });
    expect(count('select count(*) as n from schools')).toBe(0);

    const applied = run('import-roster', zip, '--time-zone', 'Europe/London');
    expect(applied.status).toBe(0);
    expect(applied.line).toMatchObject({ dryRun: false, schools: [{ created: true, students: counts }] });
    expect(count('select count(*) as n from students')).toBe(24);
    expect(count("select count(*) as n from schools where time_zone = 'Europe/London' and bell_time = '08:00'")).toBe(1);

    const again = run('import-roster', folder, '--school', 'Northfield Academy');
    expect(again.status).toBe(0);
    expect(again.line).toMatchObject({ schools: [{ created: false, students: { new: 0, changed: 0, left: 0, unchanged: 24 } }] });
    expect(count("select count(*) as n from admin_log where action = 'roster-imported'")).toBe(2);

    const text = new TextDecoder().decode(exportFiles(makeExport()).get('enrollments.csv'));
    const broken = path.join(dir, 'broken');
    writeExportFolder(broken, withFile(exportFiles(makeExport()), 'enrollments.csv', text.replace('class-A-hr-1,', 'class-gone,')));
    const refused = run('import-roster', broken);
    expect(refused.status).toBe(1);
    expect(refused.line?.problems).toEqual([
      expect.objectContaining({ code: 'unknown-class', file: 'enrollments.csv', row: 2, column: 'classSourcedId' }),
    ]);
    expect(count("select count(*) as n from admin_log where action = 'roster-imported'")).toBe(2);

    // A server first started on a database the command filled still prints its first admin's one-time password.
    const db = openDatabase({ kind: 'sqlite', file: dbFile });
    try {
      expect(await ensureFirstAdmin(db)).toMatchObject({ email: 'admin' });
    } finally {
      await db.destroy();
    }

    expect(run('import-roster', path.join(dir, 'nowhere')).status).toBe(2);
    expect(run('frobnicate').status).toBe(2);
  });
});
