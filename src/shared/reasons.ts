/**
 * Why a student is away or left: the school's own list of absence reasons
 * (a school setting), and the fixed reasons a student gives at the kiosk for
 * checking out. An op carries a reason's code; a record keeps the code and,
 * for an absence, the words it had when it was marked, so a reason the school
 * later takes off its list still reads as it did.
 */
import type { AttendanceStatus } from './attendance-model.ts';

export interface AbsenceReason {
  /** Stable, made once from the first words: "illness", "medical-appointment". */
  code: string;
  /** What staff read: "Medical appointment". */
  label: string;
}

/** Lower-case letters, digits and dashes; what `reasonCodeOf` makes. */
export const REASON_CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const MAX_REASON_LABEL = 60;
export const MAX_ABSENCE_REASONS = 30;

/** A new school's list, and the list every school had before the list could be changed. */
export const DEFAULT_ABSENCE_REASONS: readonly AbsenceReason[] = [
  { code: 'illness', label: 'Illness' },
  { code: 'medical-appointment', label: 'Medical appointment' },
  { code: 'family', label: 'Family' },
  { code: 'unexplained', label: 'Unexplained' },
];

/** The marks a reason goes with. */
export const REASON_STATUSES: readonly AttendanceStatus[] = ['absent', 'excused'];

export type CheckOutReason = 'appointment' | 'illness' | 'collected' | 'other';
/** Part of the protocol: append, never rename. */
export const CHECK_OUT_REASONS: readonly CheckOutReason[] = ['appointment', 'illness', 'collected', 'other'];

/** Staff's and the export's words for a check-out reason (the kiosk has its own, in kiosk-text.ts). */
export const CHECK_OUT_REASON_WORDS: Record<CheckOutReason, string> = {
  appointment: 'Appointment',
  illness: 'Illness',
  collected: 'Collected by a parent',
  other: 'Other',
};

/** Words for a check-out reason code; a code a newer server added reads as itself. */
export function checkOutReasonText(code: string): string {
  return (CHECK_OUT_REASON_WORDS as Record<string, string>)[code] ?? code;
}

/** A code for new words: "Medical appointment" → "medical-appointment"; `taken` codes get a number. */
export function reasonCodeOf(label: string, taken: ReadonlySet<string>): string {
  const stem =
    label
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 28)
      .replace(/-+$/, '') || 'reason';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}
