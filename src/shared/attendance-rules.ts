/**
 * The attendance rules of DESIGN.md ("What wins"), as small resolvers in an
 * ordered registry. When both sides changed a field to different values, the
 * first rule that applies decides, with a confidence and a reason a person
 * can read. Below CONFIDENCE_THRESHOLD the office decides instead.
 */
import type { Actor, AttendanceStatus, MergeField, RecordChange, RecordNote, RecordOpKind, RecordState } from './attendance-model.ts';
import type { Op } from './protocol.ts';

/** Who made one side's change, and whether they knew of a door check-in when they did. */
export interface SideInfo {
  actor: Actor;
  sawCheckIn: boolean;
}

export interface FieldConflict<F extends MergeField = MergeField> {
  field: F;
  base: RecordState[F];
  local: RecordState[F];
  server: RecordState[F];
  baseRecord: RecordState;
  localRecord: RecordState;
  serverRecord: RecordState;
  localSide: SideInfo;
  serverSide: SideInfo;
  lateness: Lateness;
}

export interface RuleVerdict<F extends MergeField = MergeField> {
  value: RecordState[F];
  confidence: number;
  reason: string;
}

export type RuleId =
  | 'door-evidence'
  | 'office-excused'
  | 'excused-over-door'
  | 'door-times'
  | 'earliest-check-in'
  | 'latest-check-out'
  | 'notes-kept'
  | 'same-base-different-status';

export interface AttendanceRule {
  id: RuleId;
  fields: readonly MergeField[];
  summary: string;
  decide(c: FieldConflict): RuleVerdict | null;
}

export const CONFIDENCE_THRESHOLD = 0.8;

export type Lateness = (checkInAt: number) => 'present' | 'late';

/**
 * What one op does to a record, the same in the worker's copy of today, on
 * the server, and inside the merge: a check-in sets present or late (from
 * the earliest check-in) unless the student is excused, and the earliest
 * check-in wins; a check-out keeps the status, and the latest check-out
 * wins; a status is set as marked; a note is added once.
 */
export function applyChange(record: RecordState, change: RecordChange, lateness: Lateness): RecordState {
  const next: RecordState = { ...record, notes: [...record.notes] };
  switch (change.kind) {
    case 'check-in':
      next.checkInAt = record.checkInAt === null ? change.at : Math.min(record.checkInAt, change.at);
      // Evidence beats assumption: a scan turns absent (or nothing) into present or late; an excuse stands.
      if (record.status !== 'excused') next.status = lateness(next.checkInAt);
      break;
    case 'check-out':
      next.checkOutAt = record.checkOutAt === null ? change.at : Math.max(record.checkOutAt, change.at);
      break;
    case 'status':
      next.status = change.status;
      break;
    case 'note':
      if (!next.notes.some((n) => n.id === change.note.id)) next.notes.push(change.note);
      break;
  }
  return next;
}

/**
 * A record as it is kept: one with a check-out and no status shows the
 * student was in the building, so it is present. Applied after the merge,
 * so a check-out never argues with a status someone else set.
 */
export function asKept(record: RecordState): RecordState {
  return record.status === null && record.checkOutAt !== null ? { ...record, status: 'present' } : record;
}

/** The change an op makes, at its corrected time; `note` names and signs a note op's text. */
export function changeOf(
  op: Pick<Op, 'status' | 'text'> & { kind: RecordOpKind },
  at: number,
  note: { id: string; by: string },
): RecordChange {
  switch (op.kind) {
    case 'check-in':
      return { kind: 'check-in', at };
    case 'check-out':
      return { kind: 'check-out', at };
    case 'status':
      return { kind: 'status', status: op.status ?? 'present' };
    case 'note':
      return { kind: 'note', note: { id: note.id, text: op.text ?? '', by: note.by } };
  }
}

const ARRIVED: readonly (AttendanceStatus | null)[] = ['present', 'late'];
const isOffice = (actor: Actor) => actor === 'office' || actor === 'admin';

interface Side {
  status: AttendanceStatus | null;
  record: RecordState;
  info: SideInfo;
}

const sides = (c: FieldConflict): [Side, Side] => [
  { status: c.local as AttendanceStatus | null, record: c.localRecord, info: c.localSide },
  { status: c.server as AttendanceStatus | null, record: c.serverRecord, info: c.serverSide },
];

/** The side that matches `a` while the other matches `b`, in either order. */
function pair(c: FieldConflict, a: (s: Side) => boolean, b: (s: Side) => boolean): Side | null {
  const [local, server] = sides(c);
  if (a(local) && b(server)) return local;
  if (a(server) && b(local)) return server;
  return null;
}

const doorScan = (s: Side) => s.info.actor === 'door' && ARRIVED.includes(s.status) && s.record.checkInAt !== null;

export const ATTENDANCE_RULES: readonly AttendanceRule[] = [
  {
    id: 'door-evidence',
    fields: ['status'],
    summary: 'A door scan beats an absent marked without knowledge of it.',
    decide: (c) => {
      const winner = pair(c, doorScan, (s) => s.status === 'absent' && !s.info.sawCheckIn);
      return (
        winner && {
          value: winner.status,
          confidence: 0.95,
          reason: 'The student was scanned at the door; the absent mark was made without knowing of that scan.',
        }
      );
    },
  },
  {
    id: 'office-excused',
    fields: ['status'],
    summary: "The office's excused beats a teacher's absent.",
    decide: (c) => {
      const winner = pair(
        c,
        (s) => s.status === 'excused' && isOffice(s.info.actor),
        (s) => s.status === 'absent' && s.info.actor === 'teacher',
      );
      return (
        winner && {
          value: 'excused',
          confidence: 0.9,
          reason: "The office excused the student; an excuse from the office stands over a teacher's absent.",
        }
      );
    },
  },
  {
    id: 'excused-over-door',
    fields: ['status'],
    summary: "The office's excused stands over a door scan; the scan's time is kept.",
    decide: (c) => {
      const winner = pair(c, (s) => s.status === 'excused' && isOffice(s.info.actor), doorScan);
      return (
        winner && {
          value: 'excused',
          confidence: 0.85,
          reason: 'The office excused the student; the door scan still records when they arrived.',
        }
      );
    },
  },
  {
    id: 'door-times',
    fields: ['status'],
    summary: 'Two door scans: present or late follows the earliest check-in.',
    decide: (c) => {
      const [local, server] = sides(c);
      if (!doorScan(local) || !doorScan(server)) return null;
      const earliest = Math.min(local.record.checkInAt as number, server.record.checkInAt as number);
      return {
        value: c.lateness(earliest),
        confidence: 1,
        reason: 'Both sides are door scans: the earliest check-in decides present or late.',
      };
    },
  },
  {
    id: 'earliest-check-in',
    fields: ['checkInAt'],
    summary: 'The earliest check-in wins.',
    decide: (c) => {
      const times = [c.local, c.server].filter((t): t is number => typeof t === 'number');
      return {
        value: times.length > 0 ? Math.min(...times) : null,
        confidence: 1,
        reason: 'The earliest check-in is when the student arrived.',
      };
    },
  },
  {
    id: 'latest-check-out',
    fields: ['checkOutAt'],
    summary: 'The latest check-out wins.',
    decide: (c) => {
      const times = [c.local, c.server].filter((t): t is number => typeof t === 'number');
      return {
        value: times.length > 0 ? Math.max(...times) : null,
        confidence: 1,
        reason: 'The latest check-out is when the student left.',
      };
    },
  },
  {
    id: 'notes-kept',
    fields: ['notes'],
    summary: 'Notes from both sides are kept, each with its author.',
    decide: (c) => {
      const server = c.server as RecordNote[];
      const ids = new Set(server.map((n) => n.id));
      return {
        value: [...server, ...(c.local as RecordNote[]).filter((n) => !ids.has(n.id))],
        confidence: 1,
        reason: 'Every note is kept with who wrote it.',
      };
    },
  },
  {
    id: 'same-base-different-status',
    fields: ['status'],
    summary: 'Two people chose different statuses from the same starting point: the office decides.',
    decide: (c) => ({
      value: c.server,
      confidence: 0,
      reason:
        'Two people chose different statuses from the same starting point; the office must decide. The server keeps its value meanwhile.',
    }),
  },
];

/** A rule's id in words, as the office page and the audit log's export show it; an id this build does not know, as it is. */
export function ruleText(rule: string): string {
  return ATTENDANCE_RULES.find((r) => r.id === rule)?.summary ?? rule;
}
