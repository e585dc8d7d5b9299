/** What the office page says about conflicts and a record's history; pure, so it is tested without a browser. */
import type { AttendanceStatus, MergeField, RecordState } from '../shared/attendance-model.ts';
import { ruleText } from '../shared/attendance-rules.ts';
import type { ActorRef, ConflictView, HistoryEntry, ResolvableField } from '../shared/office-protocol.ts';
import type { DoorContradiction } from './conflict-choices.ts';
import { clockTime, dayText } from './format-time.ts';
import { sessionLabel } from '../shared/session-label.ts';
import { actorText, confidenceText, STATUS_WORDS } from './staff-text.ts';

export const FIELD_LABELS: Readonly<Record<MergeField, string>> = {
  status: 'Status',
  checkInAt: 'Check-in time',
  checkOutAt: 'Check-out time',
  notes: 'Notes',
};

/** "Status differs", "Status and check-in time differ". */
export function fieldsText(fields: readonly MergeField[]): string {
  const words = fields.map((field, i) => (i === 0 ? FIELD_LABELS[field] : FIELD_LABELS[field].toLowerCase()));
  if (words.length === 0) return 'Nothing differs';
  const joined = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
  return `${joined} ${words.length === 1 ? 'differs' : 'differ'}`;
}

/** One field's value as a cell of the dialog's table: "Late", "08:14", "—". */
export function fieldValueText(field: ResolvableField, value: AttendanceStatus | number | null, timeZone: string): string {
  if (value === null) return '—';
  if (field === 'status') return STATUS_WORDS[value as AttendanceStatus] ?? String(value);
  return clockTime(value as number, timeZone);
}

/** "Late, in 08:14, out 15:30"; a record nobody marked reads "No mark". */
export function recordText(record: RecordState, timeZone: string): string {
  const parts = [record.status ? STATUS_WORDS[record.status] : 'No mark'];
  if (record.checkInAt !== null) parts.push(`in ${clockTime(record.checkInAt, timeZone)}`);
  if (record.checkOutAt !== null) parts.push(`out ${clockTime(record.checkOutAt, timeZone)}`);
  return parts.join(', ');
}

/** "Whole day, Tue 24 Nov". */
export function whenText(conflict: Pick<ConflictView, 'session' | 'date'>): string {
  return `${sessionLabel(conflict.session)}, ${dayText(conflict.date)}`;
}

/** "Suggested: Present — very confident.", or "No suggestion — no rule decides: your call." */
export function suggestionText(conflict: Pick<ConflictView, 'confidence' | 'suggestion'>, timeZone: string): string {
  if (conflict.confidence === 0) return `No suggestion — ${confidenceText(0)}.`;
  return `Suggested: ${recordText(conflict.suggestion, timeZone)} — ${confidenceText(conflict.confidence)}.`;
}

/** "08:14 — Grace Hopper (teacher) marked it: Absent." with the rule and the note when there are. */
export function historyLine(entry: HistoryEntry, timeZone: string): string {
  const who = actorText(entry.actor);
  const record = recordText(entry.after, timeZone);
  const what = {
    mark: `${who} marked it: ${record}.`,
    merge: `${who}'s change was combined by a rule: ${record}.`,
    conflict: `${who} disagreed, so a conflict opened; the record stays ${record}.`,
    resolve: `${who} settled it: ${record}.`,
  }[entry.action];
  let line = `${clockTime(entry.at, timeZone)} — ${what}`;
  if (entry.rule) line += ` Rule: ${ruleText(entry.rule)}`;
  if (entry.note) line += ` Note: “${entry.note}”`;
  return line;
}

/**
 * One side of a conflict by person and device: "Maria Diaz (teacher) on a
 * staff browser", "Door scan at the Front door kiosk". A side from no device
 * (a page that posted straight to the server, a resolution) says so; an older
 * server names no device at all.
 */
export function sideText(actor: ActorRef): string {
  const device = actor.device;
  if (actor.kind === 'door') return `Door scan at the ${device?.name ?? (actor.name || 'door')} kiosk`;
  const who = `${actor.name || 'Someone'} (${actor.kind})`;
  if (device === undefined) return who;
  if (device === null) return `${who}, not from a device`;
  return device.kind === 'kiosk' ? `${who} on the ${device.name ?? 'door'} kiosk` : `${who} on a staff browser`;
}

export interface SideName {
  /** The column's heading. */
  heading: string;
  /** Whose value a choice takes: "Maria Diaz’s", "the door scan’s". */
  owner: string;
}

const KIND_WORDS: Readonly<Record<ActorRef['kind'], string>> = {
  door: 'door scan',
  teacher: 'teacher',
  office: 'office',
  admin: 'admin',
  system: 'system',
};

function sideName(actors: readonly ActorRef[]): SideName {
  const [first] = actors;
  if (!first) return { heading: 'Unknown', owner: 'their' };
  const kind = `the ${KIND_WORDS[first.kind] ?? first.kind}’s`;
  const same = actors.every((a) => sideText(a) === sideText(first));
  if (!same)
    return {
      heading: first.kind === 'door' ? 'Each student’s door scan' : `Each student’s ${KIND_WORDS[first.kind] ?? first.kind}`,
      owner: kind,
    };
  return { heading: sideText(first), owner: first.kind === 'door' || !first.name ? kind : `${first.name}’s` };
}

/** The two sides of conflicts settled together (alike, so of the same kinds of people); by name when they are the same people. */
export function sideNames(conflicts: readonly Pick<ConflictView, 'localBy' | 'serverBy'>[]): { local: SideName; server: SideName } {
  return { local: sideName(conflicts.map((c) => c.localBy)), server: sideName(conflicts.map((c) => c.serverBy)) };
}

/** The warning before choices mark checked-in students Absent; `total`: how many conflicts they settle. */
export function doorWarning(
  found: readonly DoorContradiction[],
  total: number,
  timeZone: string,
): { heading: string; text: string; confirm: string } {
  const [first] = found;
  const confirm = total === 1 && first ? `Mark ${first.studentName} absent anyway` : `Settle all ${total} anyway`;
  if (found.length === 1 && first) {
    return {
      heading:
        total === 1
          ? `${first.studentName} was checked in at the door`
          : `${first.studentName}, one of the ${total} students, was checked in at the door`,
      text: `These choices mark ${first.studentName} Absent, but the door checked them in at ${clockTime(first.checkInAt, timeZone)} that day.`,
      confirm,
    };
  }
  const list = found.map((c) => `${c.studentName} at ${clockTime(c.checkInAt, timeZone)}`).join(', ');
  return {
    heading:
      found.length === total
        ? `${total === 2 ? 'Both' : `All ${total}`} students were checked in at the door`
        : `${found.length} of the ${total} students were checked in at the door`,
    text: `These choices mark them Absent, but the door checked them in that day: ${list}.`,
    confirm,
  };
}
