/** The Reports page: attendance over a range of days, for the office and admins; readable on screen and in print. */
import {
  assertAttendanceReport,
  PERSISTENT_ABSENCE_RATE,
  REPEATED_LATENESS,
  type AttendanceReport,
  type ReportStudent,
} from '../shared/attendance-report.ts';
import { element, make } from './dom.ts';
import { dayText } from './format-time.ts';
import { reportChart, SERIES, swatch } from './report-chart.ts';
import { callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

const form = element<HTMLFormElement>('report-form');
const from = element<HTMLInputElement>('report-from');
const to = element<HTMLInputElement>('report-to');
const status = element<HTMLElement>('report-status');
const alert = element<HTMLElement>('report-error');
const slot = element<HTMLElement>('report');

const iso = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
export const percent = (rate: number | null): string => (rate === null ? '—' : `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`);

function table(caption: string, headings: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>, empty: string): HTMLElement {
  if (rows.length === 0) return make('p', { text: empty });
  return make('div', { className: 'table-scroll report-table', attrs: { tabindex: '0', role: 'region', 'aria-label': caption } }, [
    make('table', {}, [
      make('caption', { text: caption }),
      make('thead', {}, [
        make(
          'tr',
          {},
          headings.map((h) => make('th', { text: h, attrs: { scope: 'col' } })),
        ),
      ]),
      make(
        'tbody',
        {},
        rows.map((cells) =>
          make(
            'tr',
            {},
            cells.map((cell, i) => (i === 0 ? make('th', { text: cell, attrs: { scope: 'row' } }) : make('td', { text: cell }))),
          ),
        ),
      ),
    ]),
  ]);
}

function section(heading: string, ...children: Node[]): HTMLElement {
  const id = `report-${heading.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return make('section', { className: 'panel', attrs: { 'aria-labelledby': id } }, [
    make('h2', { text: heading, attrs: { id } }),
    ...children,
  ]);
}

function render(report: AttendanceReport): void {
  const byId = new Map(report.students.map((s) => [s.studentId, s]));
  const pick = (ids: readonly string[]): ReportStudent[] =>
    ids.map((id) => byId.get(id)).filter((s): s is ReportStudent => s !== undefined);
  const possible = report.students.reduce((n, s) => n + s.possible, 0);
  const attended = report.students.reduce((n, s) => n + s.present + s.late, 0);
  const rate = possible === 0 ? null : attended / possible;
  const range = `${dayText(report.from)} to ${dayText(report.to)}`;
  const days = report.days;
  const totals = SERIES.map((s) => `${s.label.toLowerCase()} ${days.reduce((n, d) => n + d[s.key], 0).toLocaleString('en')}`).join(', ');
  const chartTitle = `Whole-day marks over the last ${days.length} school days to ${dayText(report.to)}`;
  slot.replaceChildren(
    section(
      'The school',
      make('p', {
        className: 'report-summary',
        text: `${range}: ${report.schoolDays.toLocaleString('en')} school ${report.schoolDays === 1 ? 'day' : 'days'}. Attendance ${percent(rate)} (present or late on the days each student was on the roster). ${report.persistentAbsence.length} persistently absent, ${report.repeatedLateness.length} late ${REPEATED_LATENESS} times or more.`,
      }),
      reportChart(days, chartTitle, `Totals: ${totals}.`),
      make(
        'ul',
        { className: 'chart-legend' },
        SERIES.map((s) => make('li', {}, [swatch(s.colour), s.label])),
      ),
      make('details', {}, [
        make('summary', { text: "The chart's numbers" }),
        table(
          chartTitle,
          ['Day', ...SERIES.map((s) => s.label)],
          days.map((d) => [dayText(d.date), ...SERIES.map((s) => d[s.key].toLocaleString('en'))]),
          'No school days to show.',
        ),
      ]),
    ),
    section(
      'Homerooms',
      table(
        `Attendance by homeroom, ${range}`,
        ['Homeroom', 'Students', 'Attendance'],
        report.homerooms.map((h) => [h.homeroom, String(h.students), percent(h.rate)]),
        'No homerooms in this range.',
      ),
    ),
    section(
      'Persistent absence',
      make('p', {
        className: 'hint',
        text: `Students who attended less than ${percent(PERSISTENT_ABSENCE_RATE)} of their school days in the range, lowest first. A day with no mark counts as not attended.`,
      }),
      table(
        `Persistent absence, ${range}`,
        ['Student', 'ID', 'Homeroom', 'Attendance', 'Absent', 'Excused', 'No mark'],
        pick(report.persistentAbsence).map((s) => [
          s.name,
          s.studentId,
          s.homeroom,
          percent(s.rate),
          String(s.absent),
          String(s.excused),
          String(s.unmarked),
        ]),
        'Nobody: every student attended at least 90% of their days.',
      ),
    ),
    section(
      'Repeated lateness',
      table(
        `Late ${REPEATED_LATENESS} times or more, ${range}`,
        ['Student', 'ID', 'Homeroom', 'Times late'],
        pick(report.repeatedLateness).map((s) => [s.name, s.studentId, s.homeroom, String(s.late)]),
        `Nobody was late ${REPEATED_LATENESS} times or more.`,
      ),
    ),
    section(
      'Every student',
      table(
        `Every student, ${range}`,
        ['Student', 'ID', 'Homeroom', 'Attendance', 'Present', 'Late', 'Absent', 'Excused', 'No mark'],
        report.students.map((s) => [
          s.name,
          s.studentId,
          s.homeroom,
          percent(s.rate),
          String(s.present),
          String(s.late),
          String(s.absent),
          String(s.excused),
          String(s.unmarked),
        ]),
        'No students in this range.',
      ),
    ),
  );
}

async function load(): Promise<void> {
  alert.textContent = '';
  status.textContent = 'Loading the report…';
  form.setAttribute('aria-busy', 'true');
  const answer = await callChecked(`/api/reports/attendance?from=${from.value}&to=${to.value}`, assertAttendanceReport);
  form.removeAttribute('aria-busy');
  if (!answer.ok) {
    if (followRefusal(answer)) return;
    status.textContent = '';
    alert.textContent = `The report could not be made: ${refusalText(answer)}`;
    return;
  }
  render(answer.body);
  status.textContent = `Showing ${dayText(answer.body.from)} to ${dayText(answer.body.to)}.`;
}

async function start(): Promise<void> {
  const staff = await requireStaff(['office', 'admin']);
  if (!staff) return;
  const today = new Date();
  to.value = iso(today);
  from.value = iso(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 41));
  const check = (): void =>
    to.setCustomValidity(
      to.value !== '' && from.value !== '' && to.value < from.value ? 'The last day cannot come before the first day.' : '',
    );
  from.addEventListener('input', check);
  to.addEventListener('input', check);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    void load();
  });
  element<HTMLButtonElement>('report-print').addEventListener('click', () => window.print());
  await load();
}

void start();
