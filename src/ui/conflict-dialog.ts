/**
 * The dialog for one conflict (or several alike): base, this device's value
 * and the server's side by side per field, the rule's suggestion with its
 * confidence and reason, a live preview of the result, and a note. Resolves
 * with the person's choices, or null when they cancel.
 */
import { previewResolution, type PreviewChoice, type RecordState } from '../shared/merge.ts';
import type { ConflictView, FieldChoice, HistoryEntry, ResolvableField } from '../shared/office-protocol.ts';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../shared/protocol.ts';
import { clockTime, element } from './staff-session.ts';
import { actorText, confidenceText, STATUS_WORDS } from './staff-text.ts';

export interface DialogChoice {
  choices: Partial<Record<ResolvableField, FieldChoice>>;
  note: string;
}

const LABELS: Record<ResolvableField, string> = { status: 'Status', checkInAt: 'Checked in', checkOutAt: 'Checked out' };

function show(field: ResolvableField, value: unknown, zone: string): string {
  if (value === null || value === undefined) return '—';
  if (field === 'status') return STATUS_WORDS[value as AttendanceStatus];
  return clockTime(value as number, zone);
}

function describe(record: RecordState, zone: string): string {
  const parts = [record.status ? STATUS_WORDS[record.status] : 'no mark'];
  if (record.checkInAt !== null) parts.push(`in ${clockTime(record.checkInAt, zone)}`);
  if (record.checkOutAt !== null) parts.push(`out ${clockTime(record.checkOutAt, zone)}`);
  return parts.join(', ');
}

/** "08:14" on the conflict's day, as epoch ms in the school's zone (good to the minute). */
function timeOnDay(date: string, hhmm: string, zone: string, near: number): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.parse(`${date}T${hhmm}:00Z`);
  const shown = clockTime(guess, zone).split(':').map(Number) as [number, number];
  const drift = (shown[0] * 60 + shown[1] - (h * 60 + m)) * 60_000;
  const fixed = guess - drift;
  return Number.isFinite(fixed) ? fixed : near;
}

export function resolveDialog(conflict: ConflictView, alike: number, zone: string, history: HistoryEntry[]): Promise<DialogChoice | null> {
  const dialog = element<HTMLDialogElement>('conflict-dialog');
  const fields = (conflict.fields.filter((f) => f !== 'notes') as ResolvableField[]).length > 0 ? (conflict.fields.filter((f) => f !== 'notes') as ResolvableField[]) : (['status'] as ResolvableField[]);
  element<HTMLElement>('dialog-heading').textContent = `${conflict.studentName} — ${conflict.date}, ${conflict.session === 'day' ? 'whole day' : conflict.session}`;
  element<HTMLElement>('dialog-reason').textContent = `Suggestion (${confidenceText(conflict.confidence)}): ${describe(conflict.suggestion, zone)}. ${conflict.reason}`;
  element<HTMLElement>('dialog-local-heading').textContent = `This device: ${actorText(conflict.localBy)}`;
  element<HTMLElement>('dialog-server-heading').textContent = `Server: ${actorText(conflict.serverBy)}`;
  element<HTMLElement>('dialog-scope').textContent = alike > 1 ? `These choices and the note apply to all ${alike} conflicts selected.` : '';
  const note = element<HTMLTextAreaElement>('dialog-note');
  note.value = '';
  element<HTMLElement>('dialog-error').textContent = '';
  const selects = new Map<ResolvableField, HTMLSelectElement>();
  const customs = new Map<ResolvableField, HTMLInputElement | HTMLSelectElement>();
  const rows = fields.map((field) => {
    const row = document.createElement('tr');
    const cells = [LABELS[field], show(field, conflict.base[field], zone), show(field, conflict.local[field], zone), show(field, conflict.server[field], zone)].map((text) => {
      const td = document.createElement('td');
      td.textContent = text;
      return td;
    });
    const choiceCell = document.createElement('td');
    const select = document.createElement('select');
    select.setAttribute('aria-label', `Keep for ${LABELS[field]}`);
    select.append(new Option("The server's", 'server'), new Option("This device's", 'local'), new Option('Another value', 'custom'));
    // Pre-select what the rule suggests.
    select.value = conflict.suggestion[field] === conflict.local[field] && conflict.local[field] !== conflict.server[field] ? 'local' : 'server';
    const custom =
      field === 'status'
        ? Object.assign(document.createElement('select'), { hidden: true })
        : Object.assign(document.createElement('input'), { type: 'time', hidden: true });
    custom.setAttribute('aria-label', `Another value for ${LABELS[field]}`);
    if (custom instanceof HTMLSelectElement) custom.append(...ATTENDANCE_STATUSES.map((s) => new Option(STATUS_WORDS[s], s)));
    select.addEventListener('change', () => {
      custom.hidden = select.value !== 'custom';
      update();
    });
    custom.addEventListener('input', update);
    custom.addEventListener('change', update);
    selects.set(field, select);
    customs.set(field, custom);
    choiceCell.append(select, custom);
    row.append(...cells, choiceCell);
    return row;
  });
  element<HTMLTableSectionElement>('dialog-fields').replaceChildren(...rows);
  element<HTMLOListElement>('dialog-history-list').replaceChildren(
    ...history.map((entry) => {
      const item = document.createElement('li');
      const how = entry.action === 'resolve' ? `settled by ${actorText(entry.actor)}` : `${entry.action === 'merge' ? 'merged' : entry.action === 'conflict' ? 'conflict opened' : 'marked'} by ${actorText(entry.actor)}`;
      item.textContent = `${clockTime(entry.at, zone)}: ${describe(entry.after, zone)} — ${how}${entry.rule ? ` (rule: ${entry.rule})` : ''}${entry.note ? ` — "${entry.note}"` : ''}`;
      return item;
    }),
  );

  const choices = (): Partial<Record<ResolvableField, FieldChoice>> => {
    const out: Partial<Record<ResolvableField, FieldChoice>> = {};
    for (const [field, select] of selects) {
      if (select.value === 'local') out[field] = { take: 'local' };
      else if (select.value === 'custom') {
        const input = customs.get(field);
        const raw = input?.value ?? '';
        if (field === 'status') out[field] = { take: 'custom', value: raw as AttendanceStatus };
        else out[field] = { take: 'custom', value: raw === '' ? null : timeOnDay(conflict.date, raw, zone, conflict.createdAt) };
      }
    }
    return out;
  };
  function update(): void {
    const preview = previewResolution(conflict, choices() as Partial<Record<ResolvableField, PreviewChoice>>);
    element<HTMLElement>('dialog-preview').textContent = describe(preview, zone);
  }
  update();

  dialog.showModal();
  return new Promise((resolve) => {
    const finish = (answer: DialogChoice | null) => {
      dialog.close();
      resolve(answer);
    };
    element<HTMLButtonElement>('dialog-cancel').onclick = () => finish(null);
    dialog.oncancel = () => finish(null);
    element<HTMLFormElement>('dialog-form').onsubmit = (event) => {
      event.preventDefault();
      if (note.value.trim() === '') {
        element<HTMLElement>('dialog-error').textContent = 'Write a note: it goes in the record’s history.';
        return;
      }
      finish({ choices: choices(), note: note.value.trim() });
    };
  });
}
