/**
 * CSV exports of a school's attendance, its audit log and its log of
 * changes to students, staff, kiosks and settings (the admin log) for a
 * range of days, written a page of rows at a time (keyset pages, never OFFSET), so a
 * year of a large school never sits in memory and both databases stream the
 * same way. The files open cleanly in Excel and LibreOffice: UTF-8 with a
 * byte-order mark, CRLF lines, every field quoted, and a field that a
 * spreadsheet would run as a formula (=, +, -, @ first) kept as text.
 */
import type { Kysely } from 'kysely';
import type { AttendanceStatus } from '../shared/attendance-model.ts';
import { ruleText } from '../shared/attendance-rules.ts';
import { sessionLabel } from '../shared/session-label.ts';
import { checkOutReasonText } from '../shared/reasons.ts';
import { elapsedText } from '../shared/roll-call.ts';
import { localMoments } from '../shared/school-time.ts';
import type { AuditLogTable, Database, School } from './db/schema.ts';
import type { StoredRecord } from './record-book.ts';

type Db = Kysely<Database>;

/** Rows read per query: a few hundred kilobytes of CSV. */
export const EXPORT_PAGE = 1_000;

/**
 * Reads rows in keyset pages of `EXPORT_PAGE` (each page starts after the
 * last row's key) and yields each page's CSV text, until a page comes back
 * short: a year of a large school never sits in memory at once.
 */
async function* csvPages<Row, Key>(
  read: (after: Key | null) => Promise<Row[]>,
  keyOf: (last: Row) => Key,
  lines: (rows: Row[]) => string | Promise<string>,
): AsyncGenerator<string> {
  let after: Key | null = null;
  for (;;) {
    const rows = await read(after);
    if (rows.length === 0) return;
    yield await lines(rows);
    if (rows.length < EXPORT_PAGE) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

const BOM = '\uFEFF';

/** One CSV line, every field quoted; formula-looking text gets a leading apostrophe (OWASP CSV injection). */
export function csvLine(fields: ReadonlyArray<string | number | null>): string {
  return `${fields
    .map((field) => {
      const text = field === null ? '' : String(field);
      const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
      return `"${safe.replaceAll('"', '""')}"`;
    })
    .join(',')}\r\n`;
}

const STATUS_WORDS: Record<AttendanceStatus, string> = { present: 'Present', late: 'Late', absent: 'Absent', excused: 'Excused' };

export const ATTENDANCE_HEADER = [
  'Student ID',
  'Name',
  'Homeroom',
  'Date',
  'Session',
  'Status',
  'Reason',
  'Checked in',
  'Checked out',
  'Reason for leaving',
  'Marked by',
  'Notes',
] as const;

interface PageKey {
  date: string;
  session: string;
  studentId: string;
}

/** One keyset page of the range: the rows after `key`, in (date, session, student) order, the attendance key's own. */
function attendancePage(db: Db, school: School, from: string, to: string, key: PageKey | null) {
  return db
    .selectFrom('attendance')
    .innerJoin('students', 'students.id', 'attendance.student_id')
    .select([
      'attendance.date',
      'attendance.session',
      'attendance.student_id',
      'attendance.status',
      'attendance.check_in_at',
      'attendance.check_out_at',
      'attendance.status_by_name',
      'attendance.status_reason_text',
      'attendance.check_out_reason',
      'students.student_number',
      'students.name',
      'students.homeroom',
    ])
    .where('attendance.school_id', '=', school.id)
    .where('attendance.date', '>=', from)
    .where('attendance.date', '<=', to)
    .$if(key !== null, (q) =>
      q.where((eb) =>
        eb.or([
          eb('attendance.date', '>', key!.date),
          eb.and([eb('attendance.date', '=', key!.date), eb('attendance.session', '>', key!.session)]),
          eb.and([
            eb('attendance.date', '=', key!.date),
            eb('attendance.session', '=', key!.session),
            eb('attendance.student_id', '>', key!.studentId),
          ]),
        ]),
      ),
    )
    .orderBy('attendance.date')
    .orderBy('attendance.session')
    .orderBy('attendance.student_id')
    .limit(EXPORT_PAGE)
    .execute();
}

/** The school's attendance from `from` to `to` (school dates, both included), in date, session and student order. */
export async function* attendanceCsv(db: Db, school: School, from: string, to: string): AsyncGenerator<string> {
  yield BOM + csvLine(ATTENDANCE_HEADER);
  const local = localMoments(school.time_zone);
  const time = (at: number | null): string => (at === null ? '' : local(Number(at)).time);
  yield* csvPages(
    (after: PageKey | null) => attendancePage(db, school, from, to, after),
    (last) => ({ date: last.date, session: last.session, studentId: last.student_id }),
    async (rows) => {
      const first = rows[0]!;
      const last = rows[rows.length - 1]!;
      const notes = await db
        .selectFrom('notes')
        .select(['student_id', 'date', 'session', 'text', 'author', 'written_at'])
        .where('school_id', '=', school.id)
        .where('date', '>=', first.date)
        .where('date', '<=', last.date)
        .orderBy('written_at')
        .execute();
      const notesOf = new Map<string, string[]>();
      for (const note of notes) {
        const k = `${note.date}|${note.session}|${note.student_id}`;
        notesOf.set(k, [...(notesOf.get(k) ?? []), `${note.text} (${note.author}, ${time(Number(note.written_at))})`]);
      }
      let text = '';
      for (const r of rows) {
        text += csvLine([
          r.student_number,
          r.name,
          r.homeroom,
          r.date,
          sessionLabel(r.session),
          STATUS_WORDS[r.status],
          r.status_reason_text ?? '',
          time(r.check_in_at),
          time(r.check_out_at),
          r.check_out_reason === null ? '' : checkOutReasonText(r.check_out_reason),
          r.status_by_name,
          (notesOf.get(`${r.date}|${r.session}|${r.student_id}`) ?? []).join(' | '),
        ]);
      }
      return text;
    },
  );
}

export const AUDIT_HEADER = [
  'Date',
  'Session',
  'Student ID',
  'Name',
  'When',
  'What',
  'Who',
  'As',
  'Device',
  'Rule',
  'Note',
  'Before',
  'After',
] as const;

const ACTION_WORDS: Record<AuditLogTable['action'], string> = {
  mark: 'Marked',
  merge: 'Merged with another mark',
  conflict: 'Conflict opened',
  resolve: 'Conflict settled',
};
const ROLE_WORDS: Record<string, string> = { door: 'Door', teacher: 'Teacher', office: 'Office', admin: 'Admin' };

/**
 * A record as the audit log kept it, in words: "Absent (Illness)", "Late, in
 * 08:58, out 11:20 (Appointment)"; empty for no record yet.
 */
export function recordWords(json: string, time: (at: number) => string): string {
  let record: Partial<StoredRecord>;
  try {
    record = JSON.parse(json) as Partial<StoredRecord>;
  } catch {
    return '';
  }
  const parts: string[] = [];
  if (record.status) parts.push(`${STATUS_WORDS[record.status]}${record.statusReasonText ? ` (${record.statusReasonText})` : ''}`);
  if (typeof record.checkInAt === 'number') parts.push(`in ${time(record.checkInAt)}`);
  if (typeof record.checkOutAt === 'number')
    parts.push(`out ${time(record.checkOutAt)}${record.checkOutReason ? ` (${checkOutReasonText(record.checkOutReason)})` : ''}`);
  return parts.join(', ');
}

/** Every audit entry of the school's records from `from` to `to`, in the order they were written. */
export async function* auditCsv(db: Db, school: School, from: string, to: string): AsyncGenerator<string> {
  yield BOM + csvLine(AUDIT_HEADER);
  const local = localMoments(school.time_zone);
  const time = (at: number): string => local(Number(at)).time;
  yield* csvPages(
    (after: number | null) =>
      db
        .selectFrom('audit_log')
        .innerJoin('students', 'students.id', 'audit_log.student_id')
        .leftJoin('devices', (join) =>
          join.onRef('devices.id', '=', 'audit_log.device_id').onRef('devices.school_id', '=', 'audit_log.school_id'),
        )
        .leftJoin('kiosks', 'kiosks.id', 'devices.kiosk_id')
        .select([
          'kiosks.name as kiosk_name',
          'audit_log.id',
          'audit_log.date',
          'audit_log.session',
          'audit_log.at',
          'audit_log.action',
          'audit_log.actor_kind',
          'audit_log.actor_name',
          'audit_log.device_id',
          'audit_log.rule',
          'audit_log.note',
          'audit_log.before',
          'audit_log.after',
          'students.student_number',
          'students.name',
        ])
        .where('audit_log.school_id', '=', school.id)
        .where('audit_log.date', '>=', from)
        .where('audit_log.date', '<=', to)
        .where('audit_log.id', '>', after ?? 0)
        .orderBy('audit_log.id')
        .limit(EXPORT_PAGE)
        .execute(),
    (last) => Number(last.id),
    (rows) => {
      let text = '';
      for (const r of rows) {
        const when = local(Number(r.at));
        text += csvLine([
          r.date,
          sessionLabel(r.session),
          r.student_number,
          r.name,
          `${when.date} ${when.time}`,
          ACTION_WORDS[r.action],
          r.actor_name,
          ROLE_WORDS[r.actor_kind] ?? r.actor_kind,
          r.kiosk_name ?? (r.device_id === null ? '' : 'Staff browser'),
          r.rule === null ? '' : ruleText(r.rule),
          r.note,
          recordWords(r.before, time),
          recordWords(r.after, time),
        ]);
      }
      return text;
    },
  );
}

export const CHANGES_HEADER = ['When', 'Who', 'What', 'About', 'Details'] as const;

const CHANGE_WORDS: Record<string, string> = {
  'school-created': 'School set up',
  'settings-changed': 'School settings changed',
  'retention-changed': 'How long records are kept changed',
  'student-added': 'Student added',
  'student-changed': 'Student changed',
  'roster-imported': 'Roster imported',
  'staff-added': 'Staff member added',
  'staff-changed': 'Staff member changed',
  'password-reset': 'Password reset',
  'kiosk-added': 'Kiosk added',
  'kiosk-changed': 'Kiosk changed',
  'kiosk-renamed': 'Kiosk renamed',
  'staff-deactivated': 'Staff member can no longer sign in',
  'staff-reactivated': 'Staff member can sign in again',
  'kiosk-retired': 'Kiosk retired',
  'roll-call-ended': 'Emergency roll call ended',
};

const FIELD_WORDS: Record<string, string> = {
  id: 'Student ID',
  givenName: 'Given name',
  familyName: 'Family name',
  name: 'Name',
  homeroom: 'Homeroom',
  homerooms: 'Homerooms',
  grade: 'Grade',
  leftAt: 'Left the school',
  role: 'Role',
  active: 'Active',
  email: 'Email',
  scanMode: 'Scan mode',
  direction: 'Faces',
  version: 'Settings version',
  revokedDevices: 'Devices signed out',
  timeZone: 'Time zone',
  dayStart: 'School day begins',
  bellTime: 'Bell',
  lateGraceMinutes: 'Minutes before late',
  periods: 'Periods',
  weekdaysOff: 'Weekdays without school',
  closures: 'Days without school',
  absenceReasons: 'Absence reasons',
  schoolYears: 'School years kept',
  yearStarts: 'School year starts',
  refusedDays: 'Days refused check-ins are kept',
};

const valueText = (value: unknown): string =>
  value === null || value === undefined || value === ''
    ? '(none)'
    : Array.isArray(value)
      ? value.map(valueText).join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

const isChange = (value: unknown): value is { from: unknown; to: unknown } =>
  typeof value === 'object' && value !== null && 'from' in value && 'to' in value;

/** What a change log entry's details say, in words: "Family name: Jackson → Jackson-Smith; Homeroom: 7A". */
export function changeDetailsText(action: string, details: Record<string, unknown>): string {
  if (action === 'roll-call-ended') {
    const missing = Array.isArray(details['missing']) ? (details['missing'] as Array<{ studentId?: unknown; name?: unknown }>) : [];
    const ran = `Ran ${elapsedText(Number(details['durationMs']) || 0)}`;
    const who = missing.map((m) => `${String(m.name ?? '')} (${String(m.studentId ?? '')})`).join(', ');
    return missing.length === 0
      ? `${ran}; everyone was found`
      : `${ran}; ${missing.length} of ${valueText(details['expected'])} still missing: ${who}`;
  }
  const parts: string[] = [];
  for (const [field, value] of Object.entries(details)) {
    // A new school's whole settings say nothing a person reads here; the school's settings page shows them.
    if (field === 'settings' || field.endsWith('Id')) continue;
    if (field === 'changed' && typeof value === 'object' && value !== null) {
      const inner = changeDetailsText('', value as Record<string, unknown>);
      if (inner !== '') parts.push(inner);
      continue;
    }
    const label = FIELD_WORDS[field] ?? field;
    parts.push(isChange(value) ? `${label}: ${valueText(value.from)} → ${valueText(value.to)}` : `${label}: ${valueText(value)}`);
  }
  return parts.join('; ');
}

const DAY_MS = 86_400_000;

/**
 * Every entry of the school's change log whose school-local day is in the
 * range, in the order written. The log is kept by instant: a day either side
 * is read and each entry's own day decides, so no time zone falls outside.
 */
export async function* changesCsv(db: Db, school: School, from: string, to: string): AsyncGenerator<string> {
  yield BOM + csvLine(CHANGES_HEADER);
  const local = localMoments(school.time_zone);
  const earliest = Date.parse(`${from}T00:00:00Z`) - DAY_MS;
  const latest = Date.parse(`${to}T00:00:00Z`) + 2 * DAY_MS;
  yield* csvPages(
    (after: number | null) =>
      db
        .selectFrom('admin_log')
        .select(['id', 'at', 'actor_name', 'action', 'subject', 'details'])
        .where('school_id', '=', school.id)
        .where('at', '>=', earliest)
        .where('at', '<', latest)
        .where('id', '>', after ?? 0)
        .orderBy('id')
        .limit(EXPORT_PAGE)
        .execute(),
    (last) => Number(last.id),
    (rows) => {
      let text = '';
      for (const r of rows) {
        const when = local(Number(r.at));
        if (when.date < from || when.date > to) continue;
        let details: Record<string, unknown> = {};
        try {
          const parsed: unknown = JSON.parse(r.details);
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) details = parsed as Record<string, unknown>;
        } catch {
          // A row this server did not write as JSON is shown as it is.
          details = { details: r.details };
        }
        text += csvLine([
          `${when.date} ${when.time}`,
          r.actor_name,
          CHANGE_WORDS[r.action] ?? r.action,
          r.subject,
          changeDetailsText(r.action, details),
        ]);
      }
      return text;
    },
  );
}
