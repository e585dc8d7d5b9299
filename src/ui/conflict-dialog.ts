/**
 * The dialog for one conflict, or several alike settled together: per field
 * the value before and each side's, each side named by the person and the
 * device it came from; a choice
 * per field with the rule's suggestion pre-selected; a live preview of the
 * record that results; the record's history; and a required note. Choices
 * that would mark a student Absent although the door checked them in that
 * day are held back by a warning until the person goes back or confirms.
 * Resolves with the person's choices and note, or null when they cancel.
 */
import { LIMITS } from '../shared/limits.ts';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../shared/attendance-model.ts';
import { previewResolution } from '../shared/merge.ts';
import type { ConflictView, FieldChoice, HistoryEntry, ResolvableField } from '../shared/office-protocol.ts';
import {
  choiceProblem,
  choicesOf,
  doorContradictions,
  resolvableFields,
  suggestedPick,
  type FieldPick,
  type Take,
} from './conflict-choices.ts';
import { make } from './dom.ts';
import { clockTime, epochAt, timeInputValue } from './format-time.ts';
import {
  doorWarning,
  FIELD_LABELS,
  fieldValueText,
  historyLine,
  recordText,
  sideNames,
  suggestionText,
  whenText,
  type SideName,
} from './office-text.ts';
import { conflictSummary, STATUS_WORDS } from './staff-text.ts';

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

function takeLabel(take: Take, sides: { local: SideName; server: SideName }): string {
  if (take === 'custom') return 'Another value';
  return take === 'local' ? `Take ${sides.local.owner}` : `Keep ${sides.server.owner}`;
}

function fieldRow(
  conflict: ConflictView,
  field: ResolvableField,
  timeZone: string,
  sides: { local: SideName; server: SideName },
  onChange: () => void,
): { row: HTMLTableRowElement; controls: FieldControls } {
  const label = FIELD_LABELS[field];
  const suggested = suggestedPick(conflict, field);
  const keep = make('select', { attrs: { 'aria-label': `Keep for ${label}` } });
  for (const take of ['server', 'local', 'custom'] as const) {
    const value = take === 'custom' ? '' : ` (${fieldValueText(field, conflict[take][field], timeZone)})`;
    keep.append(
      new Option(
        `${takeLabel(take, sides)}${value}${take === suggested.take && conflict.confidence > 0 ? ' — suggested' : ''}`,
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
  const sides = sideNames(conflicts);
  const preview = make('strong', { attrs: { id: 'dialog-preview' } });
  const previewNotes = make('span', { className: 'hint' });
  const controls = new Map<ResolvableField, FieldControls>();
  const picks = (): Partial<Record<ResolvableField, FieldPick>> => {
    const out: Partial<Record<ResolvableField, FieldPick>> = {};
    for (const [field, c] of controls) out[field] = readPick(field, c, conflict.date, timeZone);
    return out;
  };
  const update = (): void => {
    hideWarning();
    const result = previewResolution(conflict, choicesOf(picks()));
    preview.textContent = recordText(result, timeZone);
    previewNotes.textContent = result.notes.length === 0 ? '' : ` (notes kept: ${result.notes.length})`;
  };
  const rows = fields.map((field) => {
    const made = fieldRow(conflict, field, timeZone, sides, update);
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
  const actions = make('div', { className: 'actions' }, [cancel, resolve]);

  const warningHeading = make('h3', { attrs: { id: 'door-warning-heading' } });
  const warningText = make('p', { attrs: { id: 'door-warning-text' } });
  const goBack = make('button', {
    text: 'Go back and change',
    attrs: { type: 'button', 'aria-describedby': 'door-warning-heading door-warning-text' },
  });
  const confirmAnyway = make('button', { className: 'primary danger', attrs: { type: 'button' } });
  const warning = make('section', { className: 'door-warning', attrs: { 'aria-labelledby': 'door-warning-heading' } }, [
    warningHeading,
    warningText,
    make('div', { className: 'actions' }, [goBack, confirmAnyway]),
  ]);
  warning.hidden = true;
  function hideWarning(): void {
    if (warning.hidden) return;
    warning.hidden = true;
    actions.hidden = false;
  }

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
          text: `These choices and the note settle all ${conflicts.length}: ${conflicts.map((c) => c.studentName).join(', ')}. Each student keeps their own values from the side chosen; the table shows ${conflict.studentName}'s.`,
        })
      : '',
    make('p', { text: `${conflictSummary(conflict)}.` }),
    typeof conflict.doorCheckInAt === 'number'
      ? make('p', { text: `The door checked ${conflict.studentName} in at ${clockTime(conflict.doorCheckInAt, timeZone)} that day.` })
      : '',
    make('p', { className: 'suggestion' }, [make('strong', { text: suggestionText(conflict, timeZone) }), ` ${conflict.reason}`]),
    make('div', { className: 'table-scroll' }, [
      make('table', { className: 'sides' }, [
        make('thead', {}, [
          make('tr', {}, [
            make('th', { text: 'Field', attrs: { scope: 'col' } }),
            make('th', { text: 'Before', attrs: { scope: 'col' } }),
            make('th', { attrs: { scope: 'col' } }, [sides.local.heading, make('span', { className: 'by', text: 'Arrived second' })]),
            make('th', { attrs: { scope: 'col' } }, [sides.server.heading, make('span', { className: 'by', text: 'Kept for now' })]),
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
    warning,
    actions,
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
    note.addEventListener('input', hideWarning);
    goBack.addEventListener('click', () => {
      hideWarning();
      controls.get('status')?.keep.focus();
    });
    let held: DialogChoice | null = null;
    confirmAnyway.addEventListener('click', () => {
      answer = held;
      dialog.close();
    });
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
      problem.textContent = '';
      const choice = { choices: choicesOf(chosen), note: text };
      const contradicted = doorContradictions(conflicts, choice.choices);
      if (contradicted.length > 0) {
        // Absent beside a door check-in: said before it is sent, with the safe choice focused.
        held = choice;
        const words = doorWarning(contradicted, conflicts.length, timeZone);
        warningHeading.textContent = words.heading;
        warningText.textContent = words.text;
        confirmAnyway.textContent = words.confirm;
        warning.hidden = false;
        actions.hidden = true;
        goBack.focus();
        return;
      }
      answer = choice;
      dialog.close();
    });
    dialog.showModal();
  });
}
