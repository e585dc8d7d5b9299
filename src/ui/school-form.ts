/**
 * The form a school's settings are set up and changed with: name, time zone,
 * the day's start, the bell and the grace, the periods, the weekdays off and
 * the closures. Built with the DOM API, so the set-up page and the settings
 * page share it; every field is labelled, and each row of periods and
 * closures is a group named for its place ("Period 2").
 */
import type { SchoolClosure, SchoolPeriod } from '../shared/protocol.ts';
import type { AbsenceReason } from '../shared/reasons.ts';
import type { SchoolSettings, SchoolSettingsDraft } from '../shared/school-settings.ts';
import { make } from './dom.ts';

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export interface SchoolForm {
  form: HTMLFormElement;
  /** The settings as the form holds them now; a reason added here has no code until the server gives it one. */
  read(): SchoolSettingsDraft;
  /**
   * Marks the field the server found wrong (by its JSON path, such as
   * `$.periods[1].endsAt`), points it at the message that says why, and moves there.
   */
  markInvalid(path: string | undefined, messageId: string): void;
  clearInvalid(): void;
}

/** Every zone this browser knows, the school's own first even if the browser does not list it. */
function zones(current: string): string[] {
  const known = Intl.supportedValuesOf('timeZone');
  return known.includes(current) ? known : [current, ...known];
}

let uniqueIds = 0;
const nextId = (stem: string): string => `${stem}-${++uniqueIds}`;

function field(labelText: string, input: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLElement {
  input.id ||= nextId('field');
  const children: Node[] = [make('label', { text: labelText, attrs: { for: input.id } }), input];
  if (hint) {
    const hintId = nextId('hint');
    input.setAttribute('aria-describedby', hintId);
    children.push(make('span', { className: 'hint', text: hint, attrs: { id: hintId } }));
  }
  return make('div', { className: 'field' }, children);
}

function input(type: string, value: string, path: string, attrs: Record<string, string> = {}): HTMLInputElement {
  return make('input', { attrs: { type, value, 'data-path': path, ...attrs } });
}

/** A list of rows (periods, closures) that renumbers itself, so each row's group name and paths say where it is. */
function rowList<T>(
  legend: string,
  rowName: string,
  /** Where the rows sit in the settings, such as `$.periods`. */
  basePath: string,
  addText: string,
  fields: (row: T, path: string) => Array<[string, HTMLInputElement]>,
  blank: () => T,
): { section: HTMLElement; add: (row: T) => void; rows: () => HTMLInputElement[][] } {
  const list = make('div', { className: 'form-rows' });
  const renumber = (): void => {
    [...list.children].forEach((row, i) => {
      row.querySelector('legend')!.textContent = `${rowName} ${i + 1}`;
      for (const el of row.querySelectorAll<HTMLInputElement>('input')) el.dataset.path = el.dataset.path!.replace(/\[\d+\]/, `[${i}]`);
    });
  };
  const add = (value: T): void => {
    const path = `${basePath}[${list.children.length}]`;
    const inputs = fields(value, path);
    const remove = make('button', { text: 'Remove', attrs: { type: 'button' } });
    const row = make('fieldset', { className: 'form-row' }, [
      make('legend', { text: '' }),
      ...inputs.map(([label, el]) => field(label, el)),
      remove,
    ]);
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber();
      // Focus stays in the list rather than falling back to the top of the page.
      (next?.querySelector('input') ?? addButton).focus();
    });
    list.append(row);
    renumber();
  };
  const addButton = make('button', { text: addText, attrs: { type: 'button' } });
  addButton.addEventListener('click', () => {
    add(blank());
    list.lastElementChild?.querySelector('input')?.focus();
  });
  const section = make('fieldset', { className: 'form-section' }, [make('legend', { text: legend }), list, addButton]);
  return { section, add, rows: () => [...list.children].map((row) => [...row.querySelectorAll('input')]) };
}

export function schoolForm(settings: SchoolSettings, submitText: string): SchoolForm {
  const name = input('text', settings.name, '$.name', { maxlength: '200', required: '', autocomplete: 'organization' });
  const zone = make('select', { attrs: { 'data-path': '$.timeZone' } });
  zone.append(...zones(settings.timeZone).map((z) => new Option(z.replaceAll('_', ' '), z, false, z === settings.timeZone)));
  const dayStart = input('time', settings.dayStart, '$.dayStart', { required: '' });
  const bell = input('time', settings.bellTime, '$.bellTime', { required: '' });
  const grace = input('number', String(settings.lateGraceMinutes), '$.lateGraceMinutes', { min: '0', max: '120', step: '1', required: '' });

  const periods = rowList<SchoolPeriod>(
    'Periods',
    'Period',
    '$.periods',
    'Add a period',
    (p, path) => [
      ['Name', input('text', p.name, `${path}.name`, { maxlength: '32', required: '' })],
      ['Starts', input('time', p.startsAt, `${path}.startsAt`, { required: '' })],
      ['Ends', input('time', p.endsAt, `${path}.endsAt`, { required: '' })],
    ],
    () => ({ name: '', startsAt: '', endsAt: '' }),
  );
  settings.periods.forEach(periods.add);

  const weekdays = WEEKDAY_NAMES.map((day, i) => {
    const box = make('input', { attrs: { type: 'checkbox', value: String(i + 1), id: nextId('weekday'), 'data-path': `$.weekdaysOff` } });
    box.checked = settings.weekdaysOff.includes(i + 1);
    return box;
  });
  const weekdaySection = make('fieldset', { className: 'form-section weekdays' }, [
    make('legend', { text: 'No school every week on' }),
    ...weekdays.map((box, i) =>
      make('div', { className: 'check' }, [box, make('label', { text: WEEKDAY_NAMES[i], attrs: { for: box.id } })]),
    ),
  ]);

  const closures = rowList<SchoolClosure>(
    'Closures and holidays',
    'Closure',
    '$.closures',
    'Add a closure',
    (c, path) => [
      ['First day', input('date', c.firstDay, `${path}.firstDay`, { required: '' })],
      ['Last day', input('date', c.lastDay, `${path}.lastDay`, { required: '' })],
      ['Reason', input('text', c.reason, `${path}.reason`, { maxlength: '200' })],
    ],
    () => ({ firstDay: '', lastDay: '', reason: '' }),
  );
  settings.closures.forEach(closures.add);

  // Each reason keeps its code on its field, so new words for it are the same reason and old marks follow them.
  const reasons = rowList<AbsenceReason>(
    'Absence reasons',
    'Reason',
    '$.absenceReasons',
    'Add a reason',
    (r, path) => [['Words', input('text', r.label, `${path}.label`, { maxlength: '60', required: '', 'data-code': r.code })]],
    () => ({ code: '', label: '' }),
  );
  settings.absenceReasons.forEach(reasons.add);
  const reasonsHint = make('p', {
    className: 'hint',
    text: 'The roll offers these when a student is marked Absent or Excused. Marks made with a reason you remove keep its words.',
  });
  reasons.section.insertBefore(reasonsHint, reasons.section.children[1] ?? null);

  const form = make('form', { className: 'school-form', attrs: { novalidate: '' } }, [
    make('fieldset', { className: 'form-section' }, [
      make('legend', { text: 'The school' }),
      field('School name', name),
      field('Time zone', zone, 'Times at the door and on the roll are in this zone.'),
    ]),
    make('fieldset', { className: 'form-section' }, [
      make('legend', { text: 'The school day' }),
      field('Day starts', dayStart, 'When the doors open.'),
      field('Bell', bell, 'When lessons start.'),
      field('Grace period (minutes)', grace, 'A check-in later than the bell plus this many minutes is late.'),
    ]),
    periods.section,
    weekdaySection,
    closures.section,
    reasons.section,
    make('button', { className: 'primary', text: submitText, attrs: { type: 'submit' } }),
  ]);

  const read = (): SchoolSettingsDraft => ({
    name: name.value,
    timeZone: zone.value,
    dayStart: dayStart.value,
    bellTime: bell.value,
    lateGraceMinutes: grace.value === '' ? Number.NaN : Number(grace.value),
    periods: periods.rows().map(([n, s, e]) => ({ name: n!.value.trim(), startsAt: s!.value, endsAt: e!.value })),
    weekdaysOff: weekdays.filter((box) => box.checked).map((box) => Number(box.value)),
    closures: closures.rows().map(([f, l, r]) => ({ firstDay: f!.value, lastDay: l!.value, reason: r!.value })),
    absenceReasons: reasons
      .rows()
      .map(([words]) => ({ label: words!.value, ...(words!.dataset.code ? { code: words!.dataset.code } : {}) })),
  });

  const clearInvalid = (): void => {
    for (const el of form.querySelectorAll('[aria-invalid]')) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-errormessage');
    }
  };
  const markInvalid = (path: string | undefined, messageId: string): void => {
    clearInvalid();
    if (!path) return;
    // `$.weekdaysOff[2]` marks the days as a whole; a row's path names its own field.
    const target =
      form.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`) ??
      form.querySelector<HTMLElement>(`[data-path="${CSS.escape(path.replace(/\[\d+\]$/, ''))}"]`);
    if (!target) return;
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('aria-errormessage', messageId);
    target.focus();
  };
  return { form, read, markInvalid, clearInvalid };
}
