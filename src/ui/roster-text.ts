/**
 * What the roster import's preview says about the students an import takes
 * off the roster, kept pure so it is tested without a browser. An export is
 * the whole roster: a student it leaves out leaves. A school office that
 * sends a file of only its new students would take everyone else off the
 * kiosks and the roll, so the preview says how many leave, near Apply, and
 * a large share asks to be confirmed.
 */
import type { RosterSchoolPreview } from '../shared/roster-protocol.ts';
import type { ConfirmOptions } from './confirm-dialog.ts';
import { plural } from './plural.ts';

/** More than this share of a school's students leaving in one import asks for a confirmation. */
export const LARGE_LEAVING_SHARE = 0.25;

type School = Pick<RosterSchoolPreview, 'name' | 'students' | 'fields'>;

const count = (n: number): string => n.toLocaleString('en');
const students = (n: number): string => plural(n, 'student');

/**
 * The school's students on the roster before the import: those the export
 * matched (changed, less those back after leaving, and unchanged) and those
 * it leaves out.
 */
export function studentsBefore(school: School): number {
  const { changed, unchanged, left } = school.students;
  return changed - (school.fields.returned ?? 0) + unchanged + left;
}

/** Whether so many of the school's students leave that applying should be confirmed. */
export function isLargeLeaving(school: School): boolean {
  const { left } = school.students;
  return left > 0 && left > studentsBefore(school) * LARGE_LEAVING_SHARE;
}

/** The line near Apply: how many of the school's students leave, and what leaving means. */
export function leavingText(school: School): string {
  const { left } = school.students;
  if (left === 0) return `No student leaves the roster of ${school.name}.`;
  const before = studentsBefore(school);
  const what = `${count(left)} of the ${students(before)} now on the roster of ${school.name} ${left === 1 ? 'is' : 'are'} not in this file. Applying takes ${left === 1 ? 'this student' : 'them'} off the kiosks and off the roll; their records are kept.`;
  if (!isLargeLeaving(school)) return what;
  const share = left === before ? 'That is every student the school has.' : `That is ${Math.round((left / before) * 100)}% of them.`;
  return `${what} ${share} The file must list every student who stays, not only new ones.`;
}

/** The question Apply asks first when a large share of a school's students leaves, or null when it need not ask. */
export function leavingConfirmation(schools: readonly School[]): ConfirmOptions | null {
  const large = schools.filter(isLargeLeaving);
  if (large.length === 0) return null;
  const total = large.reduce((sum, s) => sum + s.students.left, 0);
  const who = large.map((s) => `${count(s.students.left)} of the ${students(studentsBefore(s))} of ${s.name}`).join(' and ');
  return {
    heading: `Take ${students(total)} off the roster?`,
    text: `This file leaves out ${who}. Applying takes them off the kiosks and off the roll; their records are kept. If you meant only to add new students, do not apply: use a file that lists every student.`,
    confirm: `Take ${count(total)} off and apply`,
    cancel: 'Do not apply',
  };
}
