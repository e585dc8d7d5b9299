/** A button in a table row: its visible words, and for a screen reader also whom it acts on ("Edit (Ada Lovelace)"). */
import { make } from './dom.ts';

export function rowButton(text: string, subject: string, onClick: () => void): HTMLButtonElement {
  // The subject is appended, not substituted, so the name a screen reader hears starts with the words on the button.
  const button = make('button', { attrs: { type: 'button' } }, [
    text,
    make('span', { className: 'visually-hidden', text: ` (${subject})` }),
  ]);
  button.addEventListener('click', onClick);
  return button;
}
