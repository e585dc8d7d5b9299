/**
 * The dialog for one conflict, or several alike settled together: per field
 * the value before, this device's and the server's side by side; a choice
 * per field with the rule's suggestion pre-selected; a live preview of the
 * record that results; the record's history; and a required note.
 * Resolves with the person's choices and note, or null when they cancel.
 */
import { LIMITS } from '../shared/limits.ts';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../shared/attendance-model.ts';
import { previewResolution } from '../shared/merge.ts';
import type { ConflictView, FieldChoice, HistoryEntry, ResolvableField } from '../shared/office-protocol.ts';
import { choiceProblem, choicesOf, resolvableFields, suggestedPick, type FieldPick, type Take } from './conflict-choices.ts';
import { make } from './dom.ts';
import { epochAt, timeInputValue } from './format-time.ts';
import { FIELD_LABELS, fieldValueText, historyLine, recordText, suggestionText, whenText } from './office-text.ts';
import { actorText, conflictSummary, STATUS_WORDS } from './staff-text.ts';

export interface DialogChoice {
  choices: Partial<Record<ResolvableField, FieldChoice>>;
  note: string;
}

export interface ConflictDialogInput {
  /** The conflicts settled by these choices; the first one is shown. */
  conflicts: readonly [ConflictView, ...ConflictView[]];
  timeZone: string;
  /** The shown conflict's record history; null when it could not be loaded. */
  history: Promise<HistoryEntry[] | null>;
}

interface FieldControls {
  keep: HTMLSelectElement;
  custom: HTMLSelectElement | HTMLInputElement;
}

const TAKE_LABEL: Readonly<Record<Take, string>> = { server: "Keep the server's", local: "Take this device's", custom: 'Another value' };

function fieldRow(
  conflict: ConflictView,
  field: ResolvableField,
  timeZone: string,
  onChange: () => void,
): { row: HTMLTableRowElement; controls: FieldControls } {
  const label = FIELD_LABELS[field];
  const suggested = suggestedPick(conflict, field);
  const keep = make('select', { attrs: { 'aria-label': `Keep for ${label}` } });
  for (const take of ['server', 'local', 'custom'] as const) {
    const value = take === 'custom' ? '' : ` (${fieldValueText(field, conflict[take][field], timeZone)})`;
    keep.append(
      new Option(
        `${TAKE_LABEL[take]}${value}${take === suggested.take && conflict.confidence > 0 ? ' — suggested' : ''}`,
        take,
        false,
        take === suggested.take,
      ),
    );
  }
  let custom: HTMLSelectElement | HTMLInputElement;
  if (field === 'status') {
    custom = make('select');
    custom.append(...ATTENDANCE_STATUSES.map((s) => new Option(STATUS_WORDS[s], s)));
    custom.value = (suggested.take === 'custom' ? suggested.value : (conflict.server.status ?? 'present')) as string;
  } else {
    custom = make('input', { attrs: { type: 'time' } });
    custom.value = timeInputValue((suggested.take === 'custom' ? suggested.value : conflict.server[field]) as number | null, timeZone);
  }
  custom.setAttribute('aria-label', `Another value for ${label}`);
  custom.hidden = keep.value !== 'custom';
  keep.addEventListener('change', () => {
    custom.hidden = keep.value !== 'custom';
    if (!custom.hidden) custom.focus();
    onChange();
  });
  custom.addEventListener('input', onChange);
  custom.addEventListener('change', onChange);
  const cell = (text: string) => make('td', { text });
  const row = make('tr', {}, [
    make('th', { text: label, attrs: { scope: 'row' } }),
    cell(fieldValueText(field, conflict.base[field], timeZone)),
    cell(fieldValueText(field, conflict.local[field], timeZone)),
    cell(fieldValueText(field, conflict.server[field], timeZone)),
    make('td', { className: 'keep' }, [keep, custom]),
  ]);
  return { row, controls: { keep, custom } };
}

function readPick(field: ResolvableField, controls: FieldControls, date: string, timeZone: string): FieldPick {
  const take = controls.keep.value as Take;
  if (take !== 'custom') return { take, value: null };
  if (field === 'status') return { take, value: controls.custom.value as AttendanceStatus };
  return { take, value: controls.custom.value === '' ? null : epochAt(date, controls.custom.value, timeZone) };
}

function historyList(entries: HistoryEntry[] | null, timeZone: string): HTMLElement {
  if (entries === null) return make('p', { text: 'The history could not be loaded.' });
  if (entries.length === 0) return make('p', { text: 'Nothing recorded yet.' });
  return make(
    'ol',
    { className: 'history' },
    entries.map((entry) => make('li', { text: historyLine(entry, timeZone) })),
  );
}

export function resolveDialog({ conflicts, timeZone, history }: ConflictDialogInput): Promise<DialogChoice | null> {
  const [conflict] = conflicts;
  const fields = resolvableFields(conflict);
  const preview = make('strong', { attrs: { id: 'dialog-preview' } });
  const previewNotes = make('span', { className: 'hint' });
  const controls = new Map<ResolvableField, FieldControls>();
  const picks = (): Partial<Record<ResolvableField, FieldPick>> => {
    const out: Partial<Record<ResolvableField, FieldPick>> = {};
    for (const [field, c] of controls) out[field] = readPick(field, c, conflict.date, timeZone);
    return out;
  };
  const update = (): void => {
    const result = previewResolution(conflict, choicesOf(picks()));
    preview.textContent = recordText(result, timeZone);
    previewNotes.textContent = result.notes.length === 0 ? '' : ` (notes kept: ${result.notes.length})`;
  };
  const rows = fields.map((field) => {
    const made = fieldRow(conflict, field, timeZone, update);
    controls.set(field, made.controls);
    return made.row;
  });

  const headingId = 'dialog-heading';
  const together = conflicts.length > 1;
  const note = make('textarea', {
    attrs: { id: 'dialog-note', rows: '3', maxlength: String(LIMITS.maxNoteLength), required: '', 'aria-describedby': 'dialog-note-hint' },
  });
  const noteHint = make('p', {
    className: 'hint',
    text: `Goes into the record's history. Up to ${LIMITS.maxNoteLength.toLocaleString('en')} characters.`,
    attrs: { id: 'dialog-note-hint' },
  });
  const problem = make('p', { className: 'alert', attrs: { id: 'dialog-error', role: 'alert' } });
  const historyBody = make('div', {}, [make('p', { text: 'Loading…' })]);
  const cancel = make('button', { text: 'Cancel', attrs: { type: 'button' } });
  const resolve = make('button', { className: 'primary', text: 'Resolve', attrs: { type: 'submit' } });

  const form = make('form', { attrs: { id: 'dialog-form', novalidate: '' } }, [
    make('h2', {
      text: together
        ? `${conflicts.length} conflicts alike — ${whenText(conflict)}`
        : `${conflict.studentName} (${conflict.homeroom}) — ${whenText(conflict)}`,
      attrs: { id: headingId },
    }),
    together
      ? make('p', {
          className: 'scope',
          text: `These choices and the note settle all ${conflicts.length}: ${conflicts.map((c) => c.studentName).join(', ')}. For each student, "this device" and "the server" mean that student's own values; the table shows ${conflict.studentName}'s.`,
        })
      : '',
    make('p', { text: `${conflictSummary(conflict)}.` }),
    make('p', { className: 'suggestion' }, [make('strong', { text: suggestionText(conflict, timeZone) }), ` ${conflict.reason}`]),
    make('div', { className: 'table-scroll' }, [
      make('table', { className: 'sides' }, [
        make('thead', {}, [
          make('tr', {}, [
            make('th', { text: 'Field', attrs: { scope: 'col' } }),
            make('th', { text: 'Before', attrs: { scope: 'col' } }),
            make('th', { attrs: { scope: 'col' } }, ['This device', make('span', { className: 'by', text: actorText(conflict.localBy) })]),
            make('th', { attrs: { scope: 'col' } }, ['Server', make('span', { className: 'by', text: actorText(conflict.serverBy) })]),
            make('th', { text: 'Keep', attrs: { scope: 'col' } }),
          ]),
        ]),
        make('tbody', {}, rows),
      ]),
    ]),
    make('p', { className: 'preview-line', attrs: { 'aria-live': 'polite' } }, ['Result: ', preview, previewNotes]),
    make('label', { text: 'Note (required)', attrs: { for: 'dialog-note' } }),
    note,
    noteHint,
    make('details', { className: 'history-box' }, [
      make('summary', { text: together ? `History of ${conflict.studentName}'s record` : 'History of this record' }),
      historyBody,
    ]),
    problem,
    make('div', { className: 'actions' }, [cancel, resolve]),
  ]);
  const dialog = make('dialog', { className: 'conflict-dialog', attrs: { 'aria-labelledby': headingId } }, [form]);
  update();
  void history.then((entries) => historyBody.replaceChildren(historyList(entries, timeZone)));

  document.body.append(dialog);
  return new Promise((settle) => {
    let answer: DialogChoice | null = null;
    dialog.addEventListener('close', () => {
      dialog.remove();
      settle(answer);
    });
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = picks();
      const text = note.value.trim();
      const wrong = choiceProblem(chosen) ?? (text === '' ? 'Write a note: it goes into the record’s history.' : null);
      if (wrong) {
        problem.textContent = wrong;
        if (text === '') note.focus();
        return;
      }
      answer = { choices: choicesOf(chosen), note: text };
      dialog.close();
    });
    dialog.showModal();
  });
}
