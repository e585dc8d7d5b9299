/**
 * A student's day and their last fortnight, in a modal `<dialog>`: every
 * change to their records (when, by whom, from which kiosk, with its note)
 * and every note. Closes with its button or Escape.
 */
import { sessionLabel } from '../shared/session-label.ts';
import { assertStudentHistory } from '../shared/today-protocol.ts';
import { make } from './dom.ts';
import { dateTimeText } from './format-time.ts';
import { callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { historyWhatText } from './today-text.ts';

let dialogs = 0;

export async function historyDialog(student: { studentId: string; name: string }, timeZone: string): Promise<void> {
  const n = ++dialogs;
  const headingId = `history-heading-${n}`;
  const body = make('div', { className: 'history-body' }, [make('p', { text: 'Reading their days…' })]);
  const close = make('button', { text: 'Close', attrs: { type: 'button' } });
  const dialog = make('dialog', { className: 'history-dialog', attrs: { 'aria-labelledby': headingId } }, [
    make('h2', { text: `${student.name}: today and the last two weeks`, attrs: { id: headingId } }),
    body,
    make('div', { className: 'actions' }, [close]),
  ]);
  document.body.append(dialog);
  const closed = new Promise<void>((resolve) =>
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    }),
  );
  close.addEventListener('click', () => dialog.close());
  dialog.showModal();
  close.focus();

  const answer = await callChecked(`/api/today/student?${new URLSearchParams({ studentId: student.studentId })}`, assertStudentHistory);
  if (!answer.ok) {
    body.replaceChildren(make('p', { className: 'alert', text: `Their history could not be read: ${refusalText(answer)}` }));
    return closed;
  }
  const now = Date.now();
  const history = answer.body;
  const entries =
    history.entries.length === 0
      ? make('p', { text: 'Nothing recorded in these two weeks.' })
      : make('div', { className: 'table-scroll' }, [
          make('table', { attrs: { 'aria-label': `Marks for ${history.name}` } }, [
            make('thead', {}, [
              make(
                'tr',
                {},
                ['When', 'Register', 'What', 'By', 'Kiosk', 'Note'].map((text) => make('th', { text, attrs: { scope: 'col' } })),
              ),
            ]),
            make(
              'tbody',
              {},
              history.entries.map((e) =>
                make('tr', {}, [
                  make('td', { text: dateTimeText(e.at, timeZone, now) }),
                  make('td', { text: sessionLabel(e.session) }),
                  make('td', { text: historyWhatText(e, timeZone) }),
                  make('td', { text: e.by }),
                  make('td', { text: e.kiosk ?? '—' }),
                  make('td', { text: e.note ?? '' }),
                ]),
              ),
            ),
          ]),
        ]);
  const notes =
    history.notes.length === 0
      ? []
      : [
          make('h3', { text: 'Notes' }),
          make(
            'ul',
            { className: 'history-notes' },
            history.notes.map((note) => make('li', { text: `${dateTimeText(note.at, timeZone, now)}, ${note.by}: ${note.text}` })),
          ),
        ];
  body.replaceChildren(make('p', { className: 'hint', text: `Homeroom ${history.homeroom}. ID ${history.studentId}.` }), entries, ...notes);
  return closed;
}
