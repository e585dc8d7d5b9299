/**
 * Roster import of a 10,000-student OneRoster export (one school, 40
 * homerooms, a teacher each) into the demo school on SQLite in a file (WAL,
 * as served), through the admin's HTTP routes in the server's own process:
 * `check_s` the preview (unzip, read, diff, rolled-back write), `apply_s`
 * applying that preview, `server_s` both. The export is written by
 * tests/support/roster-export.ts, as the tests' are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../src/server/app.ts';
import { migrate, openDatabase } from '../../src/server/db/open-database.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { exportFiles, makeExport, zipExport } from '../support/roster-export.ts';

const STUDENTS = 10_000;
const ORIGIN = 'http://localhost:80';

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-roster-bench-'));
  const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'doorline.db') });
  await migrate(db);
  await ensureDemoSchool(db);
  await ensureDemoAccounts(db, Date.now(), DEMO_PASSWORDS);
  const app = await buildApp({ db });
  try {
    const account = DEMO_ACCOUNTS.find((a) => a.role === 'admin');
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: ORIGIN },
      payload: { v: 1, email: account?.email, password: DEMO_PASSWORDS.admin },
    });
    const headers = { cookie: String(signIn.headers['set-cookie']).split(';')[0] ?? '', origin: ORIGIN, 'content-type': 'application/zip' };
    const zip = Buffer.from(
      zipExport(
        exportFiles(makeExport({ students: STUDENTS, homerooms: 40, names: ['Riverside Community School'] }), {
          bom: true,
          crlf: true,
          quoteAll: true,
        }),
      ),
    );
    const send = async (
      step: 'preview' | 'apply',
      query: Record<string, string>,
    ): Promise<{ seconds: number; body: Record<string, unknown> }> => {
      const started = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: `/api/roster-import/${step}`,
        query: { format: 'oneroster', ...query },
        headers,
        payload: zip,
      });
      const seconds = (performance.now() - started) / 1000;
      if (response.statusCode !== 200) throw new Error(`${step} failed: ${response.body.slice(0, 500)}`);
      return { seconds, body: response.json() };
    };
    const check = await send('preview', {});
    const apply = await send('apply', { previewId: String(check.body.previewId) });
    const imported = (apply.body.schools as Array<{ students: { new: number } }>)[0]?.students.new;
    if (imported !== STUDENTS) throw new Error(`imported ${imported} students, not ${STUDENTS}`);
    const round = (s: number): number => Math.round(s * 1000) / 1000;
    console.log(
      JSON.stringify({
        bench: 'roster',
        students: STUDENTS,
        check_s: round(check.seconds),
        apply_s: round(apply.seconds),
        server_s: round(check.seconds + apply.seconds),
      }),
    );
  } finally {
    await app.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
