/**
 * Asks a person to confirm an action in a modal `<dialog>` (keyboard-usable:
 * focus stays inside, Escape cancels). Resolves true only when they confirm.
 */
import { make } from './dom.ts';

export interface ConfirmOptions {
  heading: string;
  text: string;
  /** The confirming button's words, such as "Revoke". */
  confirm: string;
  cancel?: string;
}

export function confirmDialog(options: ConfirmOptions): Promise<boolean> {
  const headingId = `confirm-heading-${Math.random().toString(36).slice(2)}`;
  const cancel = make('button', { text: options.cancel ?? 'Cancel', attrs: { type: 'button' } });
  const confirm = make('button', { className: 'primary danger', text: options.confirm, attrs: { type: 'button' } });
  const dialog = make('dialog', { className: 'confirm-dialog', attrs: { 'aria-labelledby': headingId } }, [
    make('h2', { text: options.heading, attrs: { id: headingId } }),
    make('p', { text: options.text }),
    make('div', { className: 'actions' }, [cancel, confirm]),
  ]);
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    cancel.addEventListener('click', () => dialog.close('cancel'));
    confirm.addEventListener('click', () => dialog.close('confirm'));
    dialog.showModal();
    // The safe choice has the focus, so Enter never revokes by accident.
    cancel.focus();
  });
}
