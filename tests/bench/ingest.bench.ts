/**
 * Ingest throughput: ops per second through `POST /api/sync` (compact codec,
 * gzip, one transaction a batch) on a file database in WAL mode, as served.
 * Each school day a teacher's tablet sends the whole school's roll (600 status
 * marks in one batch). In the conflicting run the office had already marked
 * 10% of those students differently, and the teacher's marks were made
 * without seeing that (base 0): each of those opens a conflict, with its
 * audit entry and change-feed entry. In the other run the teacher had seen the
 * office's marks (current base), so every op applies. Same ops, same writes
 * otherwise: the difference is the cost of conflicts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../../src/server/app.ts';
import { migrate, openDatabase } from '../../src/server/db/open-database.ts';
import { DEMO_ACCOUNTS, ensureDemoAccounts, ensureDemoSchool } from '../../src/server/demo-school.ts';
import { BATCH_MEDIA_TYPE, encodeBatch } from '../../src/shared/batch-codec.ts';
import type { AttendanceStatus } from '../../src/shared/attendance-model.ts';
import type { Op } from '../../src/shared/protocol.ts';

const DAYS = 20;
const DAY_MS = 86_400_000;

interface Run {
  conflicting: number;
  ops: number;
  seconds: number;
  batchMs: number[];
  conflicts: number;
}

async function measure(conflictShare: number): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorline-ingest-'));
  const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'doorline.db') });
  try {
    await migrate(db);
    await ensureDemoSchool(db);
    await ensureDemoAccounts(db);
    const app = await buildApp({ db });
    const origin = 'http://localhost:80';
    const signIn = async (role: 'teacher' | 'office'): Promise<Record<string, string>> => {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role);
      const response = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin },
        payload: { v: 1, email: account?.email, password: account?.password },
      });
      return { cookie: String(response.headers['set-cookie']).split(';')[0] ?? '', origin };
    };
    const teacher = await signIn('teacher');
    const office = await signIn('office');
    const students = (await db.selectFrom('students').select('student_number').orderBy('student_number').execute()).map(
      (s) => s.student_number,
    );
    const seqs = { teacher: 0, office: 0 };
    const send = async (who: 'teacher' | 'office', ops: Op[]): Promise<number> => {
      const body = gzipSync(encodeBatch({ deviceId: `${who}-tablet-0001`, kioskId: 'staff-browser', ops }));
      const started = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/api/sync',
        headers: { ...(who === 'teacher' ? teacher : office), 'content-type': BATCH_MEDIA_TYPE, 'content-encoding': 'gzip' },
        payload: body,
      });
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`sync answered ${response.statusCode}: ${response.body}`);
      return elapsed;
    };
    const mark = (who: 'teacher' | 'office', studentId: string, status: AttendanceStatus, at: number, base: number): Op => ({
      seq: ++seqs[who],
      kind: 'status',
      studentId,
      status,
      at,
      session: 'day',
      base,
    });

    const batchMs: number[] = [];
    const now = Date.now();
    const touched = Math.round(students.length * conflictShare) || Math.round(students.length * 0.1);
    for (let day = DAYS; day >= 1; day--) {
      const at = now - day * DAY_MS;
      // The office's marks first (not measured): a tenth of the school, late.
      await send(
        'office',
        students.slice(0, touched).map((id) => mark('office', id, 'late', at, 0)),
      );
      // The teacher's roll (measured): seen the office's marks (base 1) or not (base 0).
      const ops = students.map((id, i) => mark('teacher', id, 'present', at + 60_000, i < touched && conflictShare === 0 ? 1 : 0));
      batchMs.push(await send('teacher', ops));
    }
    const conflicts = Number(
      (
        await db
          .selectFrom('conflicts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    await app.close();
    return {
      conflicting: conflictShare,
      ops: DAYS * students.length,
      seconds: batchMs.reduce((a, b) => a + b, 0) / 1000,
      batchMs,
      conflicts,
    };
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
};

export async function run(): Promise<void> {
  // A warm-up run, so both measured runs start with the same JIT and file cache.
  await measure(0);
  for (const share of [0, 0.1]) {
    const result = await measure(share);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        conflicting: share,
        ops: result.ops,
        conflicts_opened: result.conflicts,
        ops_per_s: Math.round(result.ops / result.seconds),
        batch_ops: result.ops / result.batchMs.length,
        batch_p50_ms: Number(percentile(result.batchMs, 0.5).toFixed(1)),
        batch_p95_ms: Number(percentile(result.batchMs, 0.95).toFixed(1)),
      }),
    );
  }
}
