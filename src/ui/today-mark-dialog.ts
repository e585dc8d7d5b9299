/**
 * Marks a missing student absent or excused, with a reason typed or chosen
 * from a short list, in a modal `<dialog>` (focus stays inside, Escape
 * cancels). Nothing is chosen at first, so a stray Enter or click marks no
 * one; an excuse needs its reason (an excused student is not followed up).
 * Resolves with what the person chose, or null.
 */
import { make } from './dom.ts';
import { REASONS } from './today-text.ts';

export interface MarkChoice {
  status: 'absent' | 'excused';
  /** Empty when none was given. */
  reason: string;
}

let dialogs = 0;

/** `offered`: the school's absence reasons' words; without them, a short list of common ones. */
export function markDialog(student: { name: string; homeroom: string }, offered: readonly string[] = []): Promise<MarkChoice | null> {
  const n = ++dialogs;
  const headingId = `mark-heading-${n}`;
  const problemId = `mark-problem-${n}`;
  const radio = (value: MarkChoice['status'], text: string) => {
    const input = make('input', { attrs: { type: 'radio', name: `mark-status-${n}`, value, id: `mark-${value}-${n}` } });
    return make('div', { className: 'choice' }, [input, make('label', { text, attrs: { for: input.id } })]);
  };
  const problem = make('p', { className: 'alert', attrs: { id: problemId, role: 'alert' } });
  const reason = make('input', {
    attrs: { id: `mark-reason-${n}`, type: 'text', list: `mark-reasons-${n}`, maxlength: '200', autocomplete: 'off' },
  });
  const reasons = make(
    'datalist',
    { attrs: { id: `mark-reasons-${n}` } },
    (offered.length > 0 ? offered : REASONS).map((r) => make('option', { attrs: { value: r } })),
  );
  const cancel = make('button', { text: 'Cancel', attrs: { type: 'button' } });
  const save = make('button', { className: 'primary', text: 'Save the mark', attrs: { type: 'submit' } });
  const form = make('form', { attrs: { method: 'dialog' } }, [
    make('fieldset', { attrs: { 'aria-describedby': problemId } }, [
      make('legend', { text: 'Mark as' }),
      radio('absent', 'Absent'),
      radio('excused', 'Excused'),
    ]),
    make('label', { text: 'Reason (type one or choose from the list; needed for an excuse)', attrs: { for: reason.id } }),
    reason,
    reasons,
    problem,
    make('div', { className: 'actions' }, [cancel, save]),
  ]);
  const dialog = make('dialog', { className: 'mark-dialog', attrs: { 'aria-labelledby': headingId } }, [
    make('h2', { text: `Mark ${student.name} (${student.homeroom})`, attrs: { id: headingId } }),
    form,
  ]);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let choice: MarkChoice | null = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector<HTMLInputElement>('input[type="radio"]:checked');
      const given = reason.value.trim();
      if (!chosen) {
        problem.textContent = 'Choose Absent or Excused.';
        form.querySelector<HTMLInputElement>('input[type="radio"]')?.focus();
        return;
      }
      if (chosen.value === 'excused' && given === '') {
        problem.textContent = 'An excuse needs its reason: type one or choose from the list.';
        reason.focus();
        return;
      }
      choice = { status: chosen.value === 'absent' ? 'absent' : 'excused', reason: given };
      dialog.close('save');
    });
    // What was missing is said once; the next choice or keystroke clears it.
    form.addEventListener('input', () => (problem.textContent = ''));
    cancel.addEventListener('click', () => dialog.close('cancel'));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(choice);
    });
    dialog.showModal();
    form.querySelector<HTMLInputElement>('input[type="radio"]')?.focus();
  });
}
