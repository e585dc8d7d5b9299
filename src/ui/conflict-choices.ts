/**
 * The choices of the conflict dialog, kept pure: which fields a person
 * settles, what the rule's suggestion pre-selects, and the `choices` the
 * server takes, and which students they would mark Absent against the
 * door's evidence. The dialog only reads its controls into `FieldPick`s.
 */
import type { AttendanceStatus } from '../shared/attendance-model.ts';
import { previewResolution } from '../shared/merge.ts';
import type { ConflictView, FieldChoice, ResolvableField } from '../shared/office-protocol.ts';

export type Take = 'server' | 'local' | 'custom';

export interface FieldPick {
  take: Take;
  /** For `custom`: a status, a time (epoch ms) or null for "no time". */
  value: AttendanceStatus | number | null;
}

const RESOLVABLE: readonly ResolvableField[] = ['status', 'checkInAt', 'checkOutAt'];

/** The fields a person chooses for; notes are always kept from both sides, so they never need a choice. */
export function resolvableFields(conflict: Pick<ConflictView, 'fields'>): ResolvableField[] {
  const fields = RESOLVABLE.filter((field) => conflict.fields.includes(field));
  return fields.length > 0 ? fields : ['status'];
}

/** What the rule's suggestion pre-selects: the side it agrees with, or its own value. */
export function suggestedPick(conflict: Pick<ConflictView, 'local' | 'server' | 'suggestion'>, field: ResolvableField): FieldPick {
  const suggested = conflict.suggestion[field];
  if (suggested === conflict.server[field]) return { take: 'server', value: null };
  if (suggested === conflict.local[field]) return { take: 'local', value: null };
  return { take: 'custom', value: suggested };
}

export function choicesOf(picks: Partial<Record<ResolvableField, FieldPick>>): Partial<Record<ResolvableField, FieldChoice>> {
  const choices: Partial<Record<ResolvableField, FieldChoice>> = {};
  for (const field of RESOLVABLE) {
    const pick = picks[field];
    if (!pick) continue;
    choices[field] = pick.take === 'custom' ? { take: 'custom', value: pick.value } : { take: pick.take };
  }
  return choices;
}

/** Why the choices cannot be sent yet, or null. */
export function choiceProblem(picks: Partial<Record<ResolvableField, FieldPick>>): string | null {
  const status = picks.status;
  if (status?.take === 'custom' && (status.value === null || typeof status.value !== 'string')) return 'Choose the status to keep.';
  return null;
}

/** A student the choices would mark Absent although they were checked in that day. */
export interface DoorContradiction {
  studentName: string;
  /** The earliest check-in known for that day. */
  checkInAt: number;
}

type Weighed = Pick<ConflictView, 'studentName' | 'local' | 'server' | 'doorCheckInAt'>;

/**
 * The students these choices mark Absent although a check-in exists that
 * day: on the record itself (either side, whatever the person does to the
 * time) or on the whole day's record a period's conflict does not show.
 * Each conflict settled together is weighed with its own values.
 */
export function doorContradictions(
  conflicts: readonly Weighed[],
  choices: Partial<Record<ResolvableField, FieldChoice>>,
): DoorContradiction[] {
  const found: DoorContradiction[] = [];
  for (const conflict of conflicts) {
    const result = previewResolution(conflict, choices);
    if (result.status !== 'absent') continue;
    const times = [result.checkInAt, conflict.local.checkInAt, conflict.server.checkInAt, conflict.doorCheckInAt ?? null].filter(
      (at): at is number => at !== null,
    );
    if (times.length > 0) found.push({ studentName: conflict.studentName, checkInAt: Math.min(...times) });
  }
  // By name, as a person looks for one, whatever order the conflicts were selected in.
  return found.sort((a, b) => a.studentName.localeCompare(b.studentName, 'en'));
}
