/**
 * `GET /api/exports/attendance.csv`, `/api/exports/audit.csv` and
 * `/api/exports/changes.csv` (students, staff, kiosks, settings, roll calls): a range of
 * the school's days as a file to open in a spreadsheet, for the office and
 * admins of the session's school. Streamed (gzipped when the browser takes
 * it), so a year of a large school is sent without being held in memory.
 * `GET /api/reports/attendance`: the same range's rates and chart
 * (src/shared/attendance-report.ts).
 */
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import { expectRecord, expectString } from '../../shared/guard.ts';
import { OFFICE_ROLES, type Auth } from '../auth/principal.ts';
import { attendanceCsv, auditCsv, changesCsv } from '../exports.ts';
import { sendJson } from '../compressed-json.ts';
import { schoolReport } from '../reports.ts';
import { findSchool } from '../school-queries.ts';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Ten years of days: more than any school keeps (retention.ts), so no export is cut short. */
const MAX_EXPORT_DAYS = 3_660;
/** A report is read on a page: a school year and a little more. */
const MAX_REPORT_DAYS = 400;

/** `?from=&to=`: two calendar dates, the second not before the first, at most `maxDays` apart. */
export function rangeOf(query: unknown, maxDays: number): { from: string; to: string } {
  expectRecord(query, '$query', ['from', 'to'], [], 'invalid-query');
  expectString(query.from, '$query.from', { max: 10, pattern: DATE }, 'invalid-query');
  expectString(query.to, '$query.to', { max: 10, pattern: DATE }, 'invalid-query');
  const from = Date.parse(`${query.from}T00:00:00Z`);
  const to = Date.parse(`${query.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to) || new Date(from).toISOString().slice(0, 10) !== query.from)
    throw new DoorlineError('invalid-query', { path: '$query.from', problem: 'must be a date, YYYY-MM-DD' });
  if (new Date(to).toISOString().slice(0, 10) !== query.to)
    throw new DoorlineError('invalid-query', { path: '$query.to', problem: 'must be a date, YYYY-MM-DD' });
  if (to < from) throw new DoorlineError('invalid-query', { path: '$query.to', problem: 'must not be before the first day' });
  if ((to - from) / 86_400_000 >= maxDays)
    throw new DoorlineError('invalid-query', { path: '$query.to', problem: `must be within ${maxDays} days of the first day` });
  return { from: query.from, to: query.to };
}

function sendCsv(request: FastifyRequest, reply: FastifyReply, name: string, lines: AsyncGenerator<string>): FastifyReply {
  const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const body = Readable.from(lines);
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .header('vary', 'accept-encoding');
  if (gzip) void reply.header('content-encoding', 'gzip');
  return reply.send(gzip ? body.pipe(createGzip()) : body);
}

export function exportRoutes(app: FastifyInstance, auth: Auth): void {
  app.get('/api/exports/attendance.csv', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const { from, to } = rangeOf(request.query, MAX_EXPORT_DAYS);
    const school = await findSchool(auth.db, staff.schoolId);
    return sendCsv(request, reply, `attendance-${from}-to-${to}.csv`, attendanceCsv(auth.db, school, from, to));
  });

  app.get('/api/exports/audit.csv', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const { from, to } = rangeOf(request.query, MAX_EXPORT_DAYS);
    const school = await findSchool(auth.db, staff.schoolId);
    return sendCsv(request, reply, `audit-log-${from}-to-${to}.csv`, auditCsv(auth.db, school, from, to));
  });

  app.get('/api/exports/changes.csv', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const { from, to } = rangeOf(request.query, MAX_EXPORT_DAYS);
    const school = await findSchool(auth.db, staff.schoolId);
    return sendCsv(request, reply, `changes-${from}-to-${to}.csv`, changesCsv(auth.db, school, from, to));
  });

  app.get('/api/reports/attendance', async (request, reply) => {
    const staff = await auth.requireStaff(request, OFFICE_ROLES);
    const { from, to } = rangeOf(request.query, MAX_REPORT_DAYS);
    const school = await findSchool(auth.db, staff.schoolId);
    void reply.header('cache-control', 'no-store');
    return sendJson(request, reply, await schoolReport(auth.db, school, from, to));
  });
}
