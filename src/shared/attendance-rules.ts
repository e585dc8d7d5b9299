/**
 * The attendance rules of DESIGN.md ("What wins"), as small resolvers in an
 * ordered registry. When both sides changed a field to different values, the
 * first rule that applies decides, with a confidence and a reason a person
 * can read. Below CONFIDENCE_THRESHOLD the office decides instead.
 */
import type { AttendanceStatus } from './protocol.ts';

export type Actor = 'door' | 'teacher' | 'office' | 'admin';

export interface RecordNote {
  id: string;
  text: string;
  /** The author: a person's name or the kiosk's. */
  by: string;
}

export interface RecordState {
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
  notes: RecordNote[];
}

export type MergeField = 'status' | 'checkInAt' | 'checkOutAt' | 'notes';
export const MERGE_FIELDS: readonly MergeField[] = ['status', 'checkInAt', 'checkOutAt', 'notes'];

export const EMPTY_RECORD: RecordState = { status: null, checkInAt: null, checkOutAt: null, notes: [] };

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
  lateness: (checkInAt: number) => 'present' | 'late';
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
      return winner && { value: winner.status, confidence: 0.95, reason: 'The student was scanned at the door; the absent mark was made without knowing of that scan.' };
    },
  },
  {
    id: 'office-excused',
    fields: ['status'],
    summary: "The office's excused beats a teacher's absent.",
    decide: (c) => {
      const winner = pair(c, (s) => s.status === 'excused' && isOffice(s.info.actor), (s) => s.status === 'absent' && s.info.actor === 'teacher');
      return winner && { value: 'excused', confidence: 0.9, reason: "The office excused the student; an excuse from the office stands over a teacher's absent." };
    },
  },
  {
    id: 'excused-over-door',
    fields: ['status'],
    summary: "The office's excused stands over a door scan; the scan's time is kept.",
    decide: (c) => {
      const winner = pair(c, (s) => s.status === 'excused' && isOffice(s.info.actor), doorScan);
      return winner && { value: 'excused', confidence: 0.85, reason: 'The office excused the student; the door scan still records when they arrived.' };
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
      return { value: c.lateness(earliest), confidence: 1, reason: 'Both sides are door scans: the earliest check-in decides present or late.' };
    },
  },
  {
    id: 'earliest-check-in',
    fields: ['checkInAt'],
    summary: 'The earliest check-in wins.',
    decide: (c) => {
      const times = [c.local, c.server].filter((t): t is number => typeof t === 'number');
      return { value: times.length > 0 ? Math.min(...times) : null, confidence: 1, reason: 'The earliest check-in is when the student arrived.' };
    },
  },
  {
    id: 'latest-check-out',
    fields: ['checkOutAt'],
    summary: 'The latest check-out wins.',
    decide: (c) => {
      const times = [c.local, c.server].filter((t): t is number => typeof t === 'number');
      return { value: times.length > 0 ? Math.max(...times) : null, confidence: 1, reason: 'The latest check-out is when the student left.' };
    },
  },
  {
    id: 'notes-kept',
    fields: ['notes'],
    summary: 'Notes from both sides are kept, each with its author.',
    decide: (c) => {
      const server = c.server as RecordNote[];
      const ids = new Set(server.map((n) => n.id));
      return { value: [...server, ...(c.local as RecordNote[]).filter((n) => !ids.has(n.id))], confidence: 1, reason: 'Every note is kept with who wrote it.' };
    },
  },
  {
    id: 'same-base-different-status',
    fields: ['status'],
    summary: 'Two people chose different statuses from the same starting point: the office decides.',
    decide: (c) => ({
      value: c.server,
      confidence: 0,
      reason: 'Two people chose different statuses from the same starting point; the office must decide. The server keeps its value meanwhile.',
    }),
  },
];
