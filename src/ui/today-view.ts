/**
 * Draws "Today, at a glance" from a TodayView: the counts, then each list as
 * a table. Plain functions of what to show; the page's controller
 * (today.ts) decides when.
 */
import { sessionLabel } from '../shared/session-label.ts';
import { COUNT_FIELDS, type RollNotTaken, type TodayCounts, type TodayStudent, type TodayView } from '../shared/today-protocol.ts';
import { make } from './dom.ts';
import { clockTime } from './format-time.ts';
import { checkOutReasonText } from '../shared/reasons.ts';
import { COUNT_WORDS, leftMarkText, minutesText, missingStateText } from './today-text.ts';

export function countList(counts: TodayCounts): HTMLElement[] {
  return COUNT_FIELDS.map((field) =>
    make('div', { className: `today-count ${field}` }, [
      make('dt', { text: COUNT_WORDS[field], attrs: { id: `count-${field}-label` } }),
      make('dd', { text: counts[field].toLocaleString('en'), attrs: { id: `count-${field}`, 'aria-labelledby': `count-${field}-label` } }),
    ]),
  );
}

export function countHead(first: string): HTMLTableSectionElement {
  return make('thead', {}, [
    make(
      'tr',
      {},
      [first, ...COUNT_FIELDS.map((f) => COUNT_WORDS[f])].map((text) => make('th', { text, attrs: { scope: 'col' } })),
    ),
  ]);
}

export function countCells(counts: TodayCounts): HTMLTableCellElement[] {
  return COUNT_FIELDS.map((field) => make('td', { className: 'number', text: counts[field].toLocaleString('en') }));
}

/**
 * The student's name as a button that opens their day. `data-key` names the
 * control across redraws, so the focus stays on it when the lists change.
 */
export function nameButton(student: TodayStudent, list: string, open: (student: TodayStudent) => void): HTMLButtonElement {
  const button = make('button', {
    className: 'link-button',
    text: student.name,
    attrs: { type: 'button', 'data-key': `${list}:open:${student.studentId}` },
  });
  button.addEventListener('click', () => open(student));
  return button;
}

export interface MissingRowOptions {
  onOpen: (student: TodayStudent) => void;
  onMark: (student: TodayStudent) => void;
  /** A mark made on this computer and not yet counted by the server. */
  waiting: string | null;
}

export function missingRow(student: TodayStudent, options: MissingRowOptions): HTMLTableRowElement {
  const mark = make('button', {
    text: 'Mark…',
    attrs: { type: 'button', 'aria-label': `Mark ${student.name} absent or excused`, 'data-key': `missing:mark:${student.studentId}` },
  });
  mark.addEventListener('click', () => options.onMark(student));
  return make('tr', {}, [
    make('th', { attrs: { scope: 'row' } }, [
      nameButton(student, 'missing', options.onOpen),
      make('span', { className: 'hint id', text: ` ${student.studentId}` }),
    ]),
    make('td', { text: student.homeroom }),
    make('td', { text: options.waiting ?? missingStateText(student) }),
    make('td', {}, [mark]),
  ]);
}

export function lateRow(student: TodayStudent, timeZone: string, onOpen: (student: TodayStudent) => void): HTMLTableRowElement {
  return make('tr', {}, [
    make('th', { attrs: { scope: 'row' } }, [nameButton(student, 'late', onOpen)]),
    make('td', { text: student.homeroom }),
    make('td', { text: student.checkInAt === null ? 'Marked late, no door scan' : clockTime(student.checkInAt, timeZone) }),
  ]);
}

export function leftRow(student: TodayStudent, timeZone: string, onOpen: (student: TodayStudent) => void): HTMLTableRowElement {
  return make('tr', {}, [
    make('th', { attrs: { scope: 'row' } }, [nameButton(student, 'left', onOpen)]),
    make('td', { text: student.homeroom }),
    make('td', {
      text:
        student.checkOutAt === null
          ? ''
          : `${clockTime(student.checkOutAt, timeZone)}${student.checkOutReason ? ` (${checkOutReasonText(student.checkOutReason)})` : ''}`,
    }),
    make('td', { text: leftMarkText(student) }),
  ]);
}

export function rollRow(roll: RollNotTaken): HTMLTableRowElement {
  return make('tr', {}, [
    make('th', { text: roll.homeroom, attrs: { scope: 'row' } }),
    make('td', { text: sessionLabel(roll.session) }),
    make('td', { text: roll.teachers.length === 0 ? 'No teacher assigned' : roll.teachers.join(', ') }),
    make('td', { text: minutesText(roll.minutesLate) }),
  ]);
}

export function homeroomRows(view: TodayView): HTMLTableRowElement[] {
  return view.homerooms.map((h) =>
    make('tr', {}, [
      make('th', { attrs: { scope: 'row' } }, [h.name, make('span', { className: 'hint block', text: h.teachers.join(', ') })]),
      ...countCells(h.counts),
    ]),
  );
}

export function periodRows(view: TodayView): HTMLTableRowElement[] {
  return view.periods.map((p) =>
    make('tr', {}, [
      make('th', { attrs: { scope: 'row' } }, [
        sessionLabel(p.name),
        make('span', { className: 'hint block', text: `${p.startsAt}–${p.endsAt}` }),
      ]),
      ...countCells(p.counts),
    ]),
  );
}
