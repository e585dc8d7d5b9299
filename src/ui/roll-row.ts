/**
 * The roll's rows: one `<li>` per student, named by the student, with four
 * one-tap buttons. Rows are kept and updated in place between reads, so a
 * tap never loses the keyboard focus or the scroll position.
 */
import type { OpErrorCode } from '../shared/error-codes.ts';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../shared/attendance-model.ts';
import type { RollRow } from '../shared/office-protocol.ts';
import type { AbsenceReason } from '../shared/reasons.ts';
import { make } from './dom.ts';
import { doorText, markText, rowHeadline } from './roll-text.ts';
import { STATUS_WORDS } from './staff-text.ts';

export interface RollRowContext {
  timeZone: string;
  /** The school's absence reasons, offered beside an Absent or Excused mark. */
  reasons: readonly AbsenceReason[];
  refusalOf: (row: RollRow) => OpErrorCode | null;
  onMark: (studentId: string, status: AttendanceStatus) => void;
  /** The reason chosen for the row's absence; '' for none. */
  onReason: (studentId: string, reason: string) => void;
}

interface RowParts {
  item: HTMLLIElement;
  headline: HTMLElement;
  door: HTMLElement;
  mark: HTMLElement;
  buttons: Map<AttendanceStatus, HTMLButtonElement>;
  reasonField: HTMLElement;
  reason: HTMLSelectElement;
}

const parts = new WeakMap<HTMLLIElement, RowParts>();

function createRow(studentId: string, name: string, context: RollRowContext): RowParts {
  const headline = make('span', { className: 'who' });
  const door = make('span', { className: 'door' });
  const mark = make('span', { className: 'mark' });
  const buttons = new Map<AttendanceStatus, HTMLButtonElement>();
  const group = make('div', { className: 'roll-buttons', attrs: { role: 'group', 'aria-label': `Mark ${name}` } });
  for (const status of ATTENDANCE_STATUSES) {
    const button = make('button', {
      className: `mark-${status}`,
      text: STATUS_WORDS[status],
      attrs: { type: 'button', 'aria-pressed': 'false' },
    });
    button.addEventListener('click', () => context.onMark(studentId, status));
    buttons.set(status, button);
    group.append(button);
  }
  const details = make('span', { className: 'detail' }, [make('span', { className: 'student-id', text: `ID ${studentId}` }), door, mark]);
  const reason = make('select', { attrs: { id: `reason-${studentId}` } });
  reason.addEventListener('change', () => context.onReason(studentId, reason.value));
  const reasonField = make('div', { className: 'roll-reason' }, [make('label', { text: 'Reason', attrs: { for: reason.id } }), reason]);
  reasonField.hidden = true;
  const item = make('li', { className: 'roll-row', attrs: { 'aria-label': name, 'data-student-id': studentId } }, [
    make('div', { className: 'roll-who' }, [headline, details]),
    group,
    reasonField,
  ]);
  const made = { item, headline, door, mark, buttons, reasonField, reason };
  parts.set(item, made);
  return made;
}

function updateRow(row: RollRow, p: RowParts, context: RollRowContext): void {
  p.item.setAttribute('aria-label', row.name);
  p.item.dataset.status = row.status ?? 'none';
  p.headline.textContent = rowHeadline(row);
  p.door.textContent = doorText(row, context.timeZone);
  p.door.classList.toggle('scanned', row.checkInAt !== null);
  p.mark.textContent = row.mark ? markText(row.mark, context.refusalOf(row)) : '';
  p.mark.className = row.mark ? `mark state-${row.mark.state}` : 'mark';
  for (const [status, button] of p.buttons) button.setAttribute('aria-pressed', String(row.status === status));
  const away = row.status === 'absent' || row.status === 'excused';
  p.reasonField.hidden = !away;
  if (away) {
    // A reason the school has since taken off its list still shows, in the words it was marked with.
    const offered =
      row.reason && !context.reasons.some((r) => r.code === row.reason) ? [{ code: row.reason, label: row.reasonText ?? row.reason }] : [];
    const options = [{ code: '', label: 'No reason given' }, ...context.reasons, ...offered];
    const wanted = options.map((o) => `${o.code}\n${o.label}`).join('\n');
    if (p.reason.dataset.options !== wanted) {
      p.reason.replaceChildren(...options.map((o) => new Option(o.label, o.code)));
      p.reason.dataset.options = wanted;
    }
    p.reason.value = row.reason ?? '';
    p.reason.setAttribute('aria-label', `Reason ${row.name} is ${STATUS_WORDS[row.status as AttendanceStatus].toLowerCase()}`);
  }
}

export function renderRollRows(list: HTMLUListElement, rows: readonly RollRow[], context: RollRowContext): void {
  const existing = new Map<string, RowParts>();
  for (const child of Array.from(list.children)) {
    const found = child instanceof HTMLLIElement ? parts.get(child) : undefined;
    if (found && child instanceof HTMLLIElement && child.dataset.studentId) existing.set(child.dataset.studentId, found);
  }
  const items = rows.map((row) => {
    const p = existing.get(row.studentId) ?? createRow(row.studentId, row.name, context);
    updateRow(row, p, context);
    return p.item;
  });
  const same = items.length === list.children.length && items.every((item, i) => list.children[i] === item);
  if (same) return;
  // Moving rows drops the focus: put it back on the same button afterwards.
  const focused = document.activeElement;
  list.replaceChildren(...items);
  if (focused instanceof HTMLElement && list.contains(focused)) focused.focus();
}
