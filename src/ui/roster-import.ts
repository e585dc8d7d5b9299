/**
 * The admin page's "Import the roster": choose a file, map a plain CSV's
 * columns on its first rows, check it (the server's preview: counts, the
 * fields that change, every problem with its place, and near Apply how many
 * students leave), then Apply, which sends the same file back with the
 * preview's id so exactly what was shown is applied. When more than a quarter
 * of a school would leave, Apply asks first (roster-text.ts). Uploads go through XMLHttpRequest for its upload progress.
 */
import { isErrorCode } from '../shared/error-codes.ts';
import { ERROR_MESSAGES } from '../shared/error-messages.ts';
import {
  assertRosterColumns,
  assertRosterPreview,
  MAPPED_FIELDS,
  REQUIRED_FIELDS,
  type MappedField,
  type RosterCounts,
  type RosterPreview,
  type RosterProblemLine,
} from '../shared/roster-protocol.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { element, make } from './dom.ts';
import { isLargeLeaving, leavingConfirmation, leavingText } from './roster-text.ts';
import { plural } from './plural.ts';

const FIELD_LABELS: Record<MappedField, string> = {
  studentId: 'Student ID (on the card)',
  givenName: 'Given name',
  familyName: 'Family name',
  homeroom: 'Homeroom',
  grade: 'Grade',
};
/** Header names that usually mean each field, for a first guess the person can change. */
const FIELD_GUESSES: Record<MappedField, RegExp> = {
  studentId: /^(student ?(id|number|no)|pupil ?(id|number|no)?|id|card|identifier|upn)$/i,
  givenName: /^(given ?name|first ?name|forename|first)$/i,
  familyName: /^(family ?name|last ?name|surname|last)$/i,
  homeroom: /^(homeroom|home ?room|form|tutor ?group|class|registration ?group)$/i,
  grade: /^(grade|year|year ?group|grade ?level)$/i,
};
const CHANGED_FIELD_WORDS: Record<string, string> = {
  studentNumber: 'with a new student ID',
  name: 'with a new name',
  grade: 'with a new grade',
  homeroom: 'in a new homeroom',
  sourcedId: 'linked to the information system',
  returned: 'back after leaving',
};

/** A changed field as the list of who changes names it. */
const FIELD_NAMES: Record<string, string> = {
  studentNumber: 'ID',
  name: 'name',
  grade: 'grade',
  homeroom: 'homeroom',
  sourcedId: 'SIS id',
};

/** What the bar says once the file is sent and the server is at work. */
const AFTER_SENDING: Record<string, string> = {
  'Sending the file': 'Checking the file',
  'Sending the file to apply': 'Applying the import',
};

type Upload = { ok: true; body: unknown } | { ok: false; message: string };

function send(url: string, file: File, onProgress: (fraction: number | null) => void): Promise<Upload> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', file.name.toLowerCase().endsWith('.zip') ? 'application/zip' : 'text/csv');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (event) => onProgress(event.lengthComputable ? event.loaded / event.total : null));
    // Once sent, the server reads and checks: how long that takes is not known.
    xhr.upload.addEventListener('load', () => onProgress(null));
    xhr.addEventListener('error', () => resolve({ ok: false, message: 'The server cannot be reached. Check the network and try again.' }));
    xhr.addEventListener('load', () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        resolve({ ok: false, message: 'The server answered with something that is not Doorline (a sign-in page on the network?).' });
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ ok: true, body });
        return;
      }
      const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
      const code = error?.code;
      const message =
        typeof error?.message === 'string' ? error.message : isErrorCode(code) ? ERROR_MESSAGES[code] : 'The server refused this.';
      resolve({ ok: false, message });
    });
    xhr.send(file);
  });
}

function countsRow(label: string, counts: RosterCounts): HTMLTableRowElement {
  return make('tr', {}, [
    make('th', { text: label, attrs: { scope: 'row' } }),
    ...[counts.new, counts.changed, counts.left, counts.unchanged].map((n) => make('td', { text: n.toLocaleString('en') })),
  ]);
}

function problemRow(p: RosterProblemLine): HTMLTableRowElement {
  return make('tr', {}, [
    make('td', { text: p.file }),
    make('td', { text: p.row === null ? '—' : String(p.row) }),
    make('td', { text: p.column ?? '—' }),
    make('td', { text: p.message }),
  ]);
}

function schoolSummary(school: RosterPreview['schools'][number], index: number): HTMLElement {
  const headingId = `roster-school-${index}`;
  const fields = Object.entries(school.fields)
    .filter(([, n]) => n > 0)
    .map(([field, n]) => `${plural(n, 'student')} ${CHANGED_FIELD_WORDS[field] ?? field}`);
  const parts: HTMLElement[] = [
    make('h3', { text: school.name, attrs: { id: headingId } }),
    make('div', { className: 'table-scroll' }, [
      make('table', { className: 'roster-counts', attrs: { 'aria-labelledby': headingId } }, [
        make('thead', {}, [
          make('tr', {}, [
            make('td'),
            ...['New', 'Changed', 'Leaving', 'Unchanged'].map((text) => make('th', { text, attrs: { scope: 'col' } })),
          ]),
        ]),
        make('tbody', {}, [countsRow('Students', school.students), countsRow('Staff accounts', school.staff)]),
      ]),
    ]),
    make('p', { text: `${plural(school.homerooms, 'homeroom')} in the export.` }),
  ];
  if (fields.length > 0) parts.push(make('p', { text: `Changed: ${fields.join('; ')}.` }));
  if (school.changed.length > 0) {
    const list = make(
      'ul',
      { className: 'roster-changes' },
      school.changed.slice(0, 20).map((c) =>
        make('li', {
          text: `${c.name} (${c.studentNumber}): ${c.fields
            .map((f) => (f === 'returned' ? 'back after leaving' : `${FIELD_NAMES[f] ?? f} ${c.before[f] ?? '—'} → ${c.after[f] ?? '—'}`))
            .join(', ')}`,
        }),
      ),
    );
    parts.push(make('details', {}, [make('summary', { text: 'Who changes' }), list]));
  }
  if (school.leaving.length > 0) {
    const list = make(
      'ul',
      {},
      school.leaving.slice(0, 50).map((s) => make('li', { text: `${s.name} (${s.studentNumber})` })),
    );
    const more =
      school.students.left > school.leaving.slice(0, 50).length
        ? [make('p', { text: `and ${plural(school.students.left - 50, 'more')}.` })]
        : [];
    parts.push(make('details', {}, [make('summary', { text: 'Who leaves (kept with their history, off the kiosks)' }), list, ...more]));
  }
  return make('section', { className: 'roster-school', attrs: { 'aria-labelledby': headingId } }, parts);
}

export function startRosterImport(): void {
  const form = element<HTMLFormElement>('roster-form');
  const fileInput = element<HTMLInputElement>('roster-file');
  const mapping = element<HTMLFieldSetElement>('roster-mapping');
  const sample = element<HTMLTableElement>('roster-sample');
  const columns = element<HTMLElement>('roster-columns');
  const checkButton = element<HTMLButtonElement>('roster-check');
  const progressBox = element<HTMLElement>('roster-progress-box');
  const progress = element<HTMLProgressElement>('roster-progress');
  const progressLabel = element<HTMLElement>('roster-progress-label');
  const alert = element<HTMLElement>('roster-error');
  const status = element<HTMLElement>('roster-status');
  const previewBox = element<HTMLElement>('roster-preview');
  const summary = element<HTMLElement>('roster-summary');
  const problemsBox = element<HTMLElement>('roster-problems-box');
  const problems = element<HTMLTableSectionElement>('roster-problems');
  const leavingBox = element<HTMLElement>('roster-leaving');
  const applyButton = element<HTMLButtonElement>('roster-apply');
  let shown: { file: File; query: string; preview: RosterPreview } | null = null;
  let busy = false;

  const chosen = (): File | null => fileInput.files?.[0] ?? null;
  const isCsv = (file: File): boolean => !file.name.toLowerCase().endsWith('.zip');

  function showProgress(label: string | null): (fraction: number | null) => void {
    progressBox.hidden = label === null;
    progressLabel.textContent = label ?? '';
    return (fraction) => {
      if (fraction === null) {
        progressLabel.textContent = AFTER_SENDING[label ?? ''] ?? label ?? '';
        progress.removeAttribute('value');
      } else progress.value = Math.round(fraction * 100);
    };
  }

  function reset(): void {
    shown = null;
    previewBox.hidden = true;
    alert.textContent = '';
    status.textContent = '';
    fileInput.removeAttribute('aria-invalid');
  }

  function askForFile(): void {
    reset();
    alert.textContent = 'Choose a roster file first.';
    fileInput.setAttribute('aria-invalid', 'true');
    fileInput.focus();
  }

  async function showColumns(file: File): Promise<void> {
    const answer = await send('/api/roster-import/columns', file, showProgress('Reading the first rows'));
    showProgress(null);
    if (!answer.ok) {
      alert.textContent = `The file could not be read: ${answer.message}`;
      return;
    }
    assertRosterColumns(answer.body);
    const read = answer.body;
    if (read.problems.length > 0) {
      alert.textContent = read.problems.map((p) => `${p.message}${p.row === null ? '' : ` (row ${p.row})`}`).join(' ');
      return;
    }
    sample.replaceChildren(
      make('thead', {}, [
        make(
          'tr',
          {},
          read.header.map((h) => make('th', { text: h, attrs: { scope: 'col' } })),
        ),
      ]),
      make(
        'tbody',
        {},
        read.rows.map((row) =>
          make(
            'tr',
            {},
            row.map((cell) => make('td', { text: cell })),
          ),
        ),
      ),
    );
    columns.replaceChildren(
      ...MAPPED_FIELDS.map((field) => {
        const required = REQUIRED_FIELDS.includes(field);
        const select = make('select', { attrs: { id: `roster-column-${field}`, name: field, ...(required ? { required: '' } : {}) } }, [
          new Option(required ? 'Choose a column' : '— not in this file —', ''),
          ...read.header.map((h) => new Option(h, h)),
        ]);
        const guess = read.header.find((h) => FIELD_GUESSES[field].test(h.trim()));
        if (guess !== undefined) select.value = guess;
        return make('label', { attrs: { for: select.id } }, [`${FIELD_LABELS[field]}${required ? '' : ' (optional)'}`, select]);
      }),
    );
    mapping.hidden = false;
    status.textContent = `${plural(read.rowCount, 'row')} in the file. Choose which column holds what, then check the file.`;
  }

  function queryFor(file: File): string {
    const query = new URLSearchParams({ format: isCsv(file) ? 'csv' : 'oneroster' });
    if (isCsv(file))
      for (const field of MAPPED_FIELDS) {
        const value = columns.querySelector<HTMLSelectElement>(`select[name="${field}"]`)?.value ?? '';
        if (value !== '') query.set(field, value);
      }
    return query.toString();
  }

  function render(preview: RosterPreview): void {
    summary.replaceChildren(...preview.schools.map(schoolSummary));
    problems.replaceChildren(...preview.problems.map(problemRow));
    problemsBox.hidden = preview.problems.length === 0;
    // Next to Apply (and its description): how many students leave, as a file of only new students takes everyone else off.
    leavingBox.replaceChildren(
      ...preview.schools.map((school) =>
        make('p', { className: isLargeLeaving(school) ? 'warning-note' : 'hint', text: leavingText(school) }),
      ),
    );
    leavingBox.hidden = preview.problems.length > 0 || preview.schools.length === 0;
    applyButton.disabled = preview.problems.length > 0;
    previewBox.hidden = false;
    status.textContent =
      preview.problems.length > 0
        ? `Nothing can be imported until the ${plural(preview.problems.length, 'problem')} below ${preview.problems.length === 1 ? 'is' : 'are'} fixed in the export.`
        : 'Checked. Nothing has changed yet: look through what the import will do, then choose Apply.';
  }

  function onFileChosen(): void {
    reset();
    mapping.hidden = true;
    const file = chosen();
    if (file && isCsv(file)) void showColumns(file);
  }

  fileInput.addEventListener('change', onFileChosen);
  // The browser's own "select a file" bubble is gone in a moment and not read by every screen reader: the page's alert says it.
  fileInput.addEventListener('invalid', (event) => {
    event.preventDefault();
    askForFile();
  });
  // On a slow link a person can choose the file before the page has checked who is signed in.
  if (chosen() !== null) onFileChosen();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = chosen();
    if (busy) return;
    if (!file) {
      askForFile();
      return;
    }
    reset();
    busy = true;
    checkButton.disabled = true;
    const query = queryFor(file);
    void send(`/api/roster-import/preview?${query}`, file, showProgress('Sending the file'))
      .then((answer) => {
        if (!answer.ok) {
          alert.textContent = `The file was not checked: ${answer.message}`;
          return;
        }
        assertRosterPreview(answer.body);
        shown = { file, query, preview: answer.body };
        render(answer.body);
      })
      .finally(() => {
        showProgress(null);
        busy = false;
        checkButton.disabled = false;
      });
  });

  async function applyShown(): Promise<void> {
    if (busy || !shown || shown.preview.problems.length > 0) return;
    const { file, query, preview } = shown;
    busy = true;
    const question = leavingConfirmation(preview.schools);
    if (question !== null && !(await confirmDialog(question))) {
      busy = false;
      status.textContent = 'Not applied: nothing has changed.';
      applyButton.focus();
      return;
    }
    applyButton.disabled = true;
    alert.textContent = '';
    void send(`/api/roster-import/apply?${query}&previewId=${preview.previewId}`, file, showProgress('Sending the file to apply'))
      .then((answer) => {
        if (!answer.ok) {
          alert.textContent = `The roster was not imported: ${answer.message}`;
          applyButton.disabled = false;
          return;
        }
        assertRosterPreview(answer.body);
        previewBox.hidden = true;
        shown = null;
        status.textContent = `Imported. ${answer.body.schools
          .map(
            (s) =>
              `${s.name}: ${plural(s.students.new, 'new student')}, ${s.students.changed.toLocaleString('en')} changed, ${s.students.left.toLocaleString('en')} leaving`,
          )
          .join('; ')}. Kiosks load the new roster at their next check with the server.`;
      })
      .finally(() => {
        showProgress(null);
        busy = false;
      });
  }

  applyButton.addEventListener('click', () => void applyShown());
}
