/**
 * The office's export form: a range of days sent as a plain GET form, so the
 * browser downloads the file itself (the server names it). Starts at the
 * first of this month to today, and says so before sending a range whose
 * last day comes before its first.
 */
import { element } from './dom.ts';

const iso = (date: Date): string =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

export function startExportForm(today = new Date()): void {
  const from = element<HTMLInputElement>('export-from');
  const to = element<HTMLInputElement>('export-to');
  from.value ||= iso(new Date(today.getFullYear(), today.getMonth(), 1));
  to.value ||= iso(today);
  const check = (): void => {
    to.setCustomValidity(
      from.value !== '' && to.value !== '' && to.value < from.value ? 'The last day cannot come before the first day.' : '',
    );
  };
  from.addEventListener('input', check);
  to.addEventListener('input', check);
  check();
}
