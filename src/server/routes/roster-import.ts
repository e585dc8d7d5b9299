/**
 * The admin's roster import: a plain CSV's columns to map, a preview of what
 * an export would change, and applying exactly that preview. The file is the
 * request body as it is (no form encoding); how to read it is in the query.
 * A OneRoster export goes to the admin's schools it names; a plain CSV to the
 * school the session acts for. Credentials are checked before the body is read.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DoorlineError } from '../../shared/error-codes.ts';
import { expectOneOf, expectRecord, expectString, fail } from '../../shared/guard.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import {
  MAPPED_FIELDS,
  REQUIRED_FIELDS,
  ROSTER_FORMATS,
  type RosterColumns,
  type RosterFormat,
  type RosterPreview,
} from '../../shared/roster-protocol.ts';
import { ADMIN_ROLES, type Auth, type StaffPrincipal } from '../auth/principal.ts';
import type { Announcer } from '../events/announce.ts';
import { bodyOf, FileBody } from '../request-body.ts';
import { isZip, unzipExport } from '../roster/export-files.ts';
import type { IncomingRoster } from '../roster/incoming-roster.ts';
import { isOneRosterExport, readOneRoster } from '../roster/oneroster-reader.ts';
import { PLAIN_CSV_FILE, readPlainCsv, sampleCsv, type ColumnMapping } from '../roster/plain-csv-reader.ts';
import { runRosterImport, type ImportReport } from '../roster/roster-import.ts';
import { problem } from '../roster/roster-problems.ts';
import { findSchool } from '../school-queries.ts';

/** A district's OneRoster zip of 10,000 students is about 1 MiB; a school's plain CSV far less. */
export const MAX_ROSTER_FILE_BYTES = 32 * 1024 * 1024;
const COLUMN_NAME = { max: 200 };

interface ReadRequest {
  format: RosterFormat;
  mapping: ColumnMapping | null;
  previewId: string | undefined;
}

function readQuery(request: FastifyRequest, apply: boolean): ReadRequest {
  const query: unknown = request.query;
  expectRecord(
    query,
    '$query',
    apply ? ['format', 'previewId'] : ['format'],
    [...MAPPED_FIELDS, ...(apply ? [] : ['previewId'])],
    'invalid-query',
  );
  expectOneOf(query.format, '$query.format', ROSTER_FORMATS, 'invalid-query');
  if (query.previewId !== undefined)
    expectString(query.previewId, '$query.previewId', { max: 64, pattern: /^[0-9a-f]{64}$/ }, 'invalid-query');
  for (const field of MAPPED_FIELDS)
    if (query[field] !== undefined) expectString(query[field], `$query.${field}`, COLUMN_NAME, 'invalid-query');
  if (query.format === 'oneroster') return { format: 'oneroster', mapping: null, previewId: query.previewId };
  for (const field of REQUIRED_FIELDS)
    if (query[field] === undefined) fail('invalid-query', `$query.${field}`, 'is required for a plain CSV');
  return {
    format: 'csv',
    mapping: {
      studentId: query.studentId as string,
      givenName: query.givenName as string,
      familyName: query.familyName as string,
      homeroom: query.homeroom as string | undefined,
      grade: query.grade as string | undefined,
    },
    previewId: query.previewId,
  };
}

function fileOf(request: FastifyRequest): Uint8Array {
  const body = bodyOf(request);
  if (!(body instanceof FileBody))
    throw new DoorlineError('unsupported-media-type', { send: 'the .zip or .csv file as application/zip or text/csv' });
  return body.bytes;
}

function toAnswer(report: ImportReport): RosterPreview {
  return {
    v: PROTOCOL_VERSION,
    type: 'roster-preview',
    previewId: report.previewId,
    applied: report.applied,
    schools: report.schools.map(({ sourcedId, name, students, homerooms, staff, fields, changed, leaving }) => ({
      sourcedId,
      name,
      students,
      homerooms,
      staff,
      fields,
      changed,
      leaving,
    })),
    problems: report.problems,
  };
}

export function rosterImportRoutes(app: FastifyInstance, auth: Auth, announcer: Announcer): void {
  const { db } = auth;
  const requireAdmin = async (request: FastifyRequest): Promise<void> => {
    await auth.requireStaff(request, ADMIN_ROLES);
  };
  const routeOptions = { bodyLimit: MAX_ROSTER_FILE_BYTES, onRequest: requireAdmin };

  async function check(request: FastifyRequest, admin: StaffPrincipal, apply: boolean): Promise<ImportReport> {
    const read = readQuery(request, apply);
    const bytes = fileOf(request);
    let incoming: IncomingRoster;
    if (read.format === 'oneroster') {
      const files = isZip(bytes) ? unzipExport(bytes) : null;
      incoming = files && isOneRosterExport(files) ? readOneRoster(files) : { schools: [], problems: [problem('not-an-export', 'upload')] };
    } else {
      incoming = readPlainCsv(bytes, read.mapping as ColumnMapping, await findSchool(db, admin.schoolId));
    }
    const fileHash = createHash('sha256').update(read.format).update(JSON.stringify(read.mapping)).update(bytes).digest('hex');
    const schools = await db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', admin.staffId).execute();
    return runRosterImport(db, incoming, {
      apply,
      fileHash,
      ...(read.previewId === undefined ? {} : { previewId: read.previewId }),
      actor: { id: admin.staffId, name: admin.name },
      now: auth.now(),
      allowedSchools: read.format === 'csv' ? [admin.schoolId] : schools.map((s) => s.school_id),
      schoolId: admin.schoolId,
    });
  }

  app.post('/api/roster-import/columns', routeOptions, async (request, reply) => {
    await auth.requireStaff(request, ADMIN_ROLES);
    const query: unknown = request.query;
    expectRecord(query, '$query', [], [], 'invalid-query');
    const { sample, problems } = sampleCsv(fileOf(request));
    const answer: RosterColumns = {
      v: PROTOCOL_VERSION,
      type: 'roster-columns',
      header: sample?.header ?? [],
      rows: sample?.rows ?? [],
      rowCount: sample?.rowCount ?? 0,
      problems: problems.map((p) => ({ ...p, file: p.file === PLAIN_CSV_FILE ? 'the file' : p.file })),
    };
    void reply.header('cache-control', 'no-store');
    return answer;
  });

  app.post('/api/roster-import/preview', routeOptions, async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const report = await check(request, admin, false);
    void reply.header('cache-control', 'no-store');
    return toAnswer(report);
  });

  app.post('/api/roster-import/apply', routeOptions, async (request, reply) => {
    const admin = await auth.requireStaff(request, ADMIN_ROLES);
    const report = await check(request, admin, true);
    if (report.problems.length > 0) throw new DoorlineError('roster-has-problems', { problems: report.problems.slice(0, 100) });
    if (report.stale) throw new DoorlineError('roster-preview-stale');
    for (const schoolId of report.rosterChanged) await announcer.announce(schoolId, { roster: true });
    void reply.header('cache-control', 'no-store');
    return toAnswer(report);
  });
}
