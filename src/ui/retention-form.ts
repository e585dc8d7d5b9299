/**
 * "Keeping records" on the School settings page: how many school years the
 * server keeps and the day each starts, with the first day kept today in words.
 */
import type { Retention, RetentionView } from '../shared/retention.ts';
import { make } from './dom.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "1 August 2025" for "2025-08-01". */
export function longDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${MONTHS[(month ?? 1) - 1]} ${year}`;
}

/** What the school keeps, in a sentence a person reads. */
export function keptText(view: RetentionView): string {
  const years = view.retention.schoolYears;
  const which =
    years === 1 ? 'this school year' : years === 2 ? 'this school year and the last' : `this school year and the ${years - 1} before it`;
  return (
    `Doorline keeps attendance, its history and the admin log from ${longDate(view.keptFrom)}: ${which}. Older records are deleted automatically. ` +
    `Kiosks and staff devices keep check-ins and marks the server refused for ${view.retention.refusedDays} days, so staff can see them, then delete them.`
  );
}

export interface RetentionForm {
  form: HTMLFormElement;
  read(): Retention;
  show(view: RetentionView): void;
}

let ids = 0;

export function retentionForm(view: RetentionView): RetentionForm {
  const id = (stem: string): string => `${stem}-${++ids}`;
  const summary = make('p', { attrs: { id: id('kept') } });
  const years = make('input', {
    attrs: { type: 'number', min: '1', max: '20', step: '1', required: '', id: id('years'), 'data-path': '$.schoolYears' },
  });
  const yearsHint = make('span', { className: 'hint', text: 'This school year counts as one.', attrs: { id: id('hint') } });
  years.setAttribute('aria-describedby', yearsHint.id);
  const month = make('select', { attrs: { id: id('month'), 'data-path': '$.yearStarts' } });
  month.append(...MONTHS.map((name, i) => new Option(name, String(i + 1).padStart(2, '0'))));
  const day = make('input', {
    attrs: { type: 'number', min: '1', max: '31', step: '1', required: '', id: id('day'), 'data-path': '$.yearStarts' },
  });
  const refused = make('input', {
    attrs: { type: 'number', min: '7', max: '365', step: '1', required: '', id: id('refused'), 'data-path': '$.refusedDays' },
  });
  const field = (label: string, input: HTMLElement, hint?: HTMLElement): HTMLElement =>
    make('div', { className: 'field' }, [make('label', { text: label, attrs: { for: input.id } }), input, ...(hint ? [hint] : [])]);
  const heading = make('h2', { text: 'Keeping records', attrs: { id: id('retention-heading') } });
  const form = make('form', { className: 'retention-form', attrs: { 'aria-labelledby': heading.id, novalidate: '' } }, [
    heading,
    summary,
    make('fieldset', { className: 'form-section' }, [
      make('legend', { text: 'How long to keep records' }),
      field('School years kept', years, yearsHint),
      field('A school year starts in', month),
      field('on day', day),
      field('Days a device keeps refused check-ins', refused),
    ]),
    make('button', { text: 'Save how long records are kept', attrs: { type: 'submit' } }),
  ]);
  const show = (next: RetentionView): void => {
    summary.textContent = keptText(next);
    years.value = String(next.retention.schoolYears);
    const [m, d] = next.retention.yearStarts.split('-');
    month.value = m ?? '08';
    day.value = String(Number(d ?? '1'));
    refused.value = String(next.retention.refusedDays);
  };
  show(view);
  return {
    form,
    show,
    read: () => ({
      schoolYears: Number(years.value),
      yearStarts: `${month.value}-${String(Number(day.value) || 0).padStart(2, '0')}`,
      refusedDays: Number(refused.value),
    }),
  };
}
