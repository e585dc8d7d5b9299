/** One open conflict in the office's list: who, when, what differs, each side, the suggestion, and its actions. */
import type { ConflictView } from '../shared/office-protocol.ts';
import { make } from './dom.ts';
import { fieldsText, suggestionText, whenText } from './office-text.ts';
import { conflictSummary } from './staff-text.ts';

export interface ConflictItemContext {
  timeZone: string;
  /** Open conflicts like this one, itself included. */
  alike: number;
  selected: boolean;
  /** False while conflicts of another kind are selected. */
  selectable: boolean;
  /** Arrived since the person last asked for the list. */
  isNew: boolean;
  onSettle: (conflict: ConflictView) => void;
  onSelect: (conflict: ConflictView, on: boolean) => void;
  onSelectAllLike: (conflict: ConflictView) => void;
}

export function conflictItem(conflict: ConflictView, context: ConflictItemContext): HTMLLIElement {
  const name = conflict.studentName;
  const heading = make('h3', { text: `${name} (${conflict.homeroom})` });
  if (context.isNew) heading.append(' ', make('span', { className: 'tag', text: 'New' }));
  const settle = make('button', { className: 'primary', text: 'Settle', attrs: { type: 'button', 'aria-label': `Settle ${name}` } });
  settle.addEventListener('click', () => context.onSettle(conflict));
  const actions = make('div', { className: 'conflict-actions' }, [settle]);
  if (context.alike > 1) {
    const box = make('input', { attrs: { type: 'checkbox', id: `select-${conflict.id}` } });
    box.checked = context.selected;
    box.disabled = !context.selectable;
    box.addEventListener('change', () => context.onSelect(conflict, box.checked));
    const all = make('button', { text: 'Select all like this', attrs: { type: 'button' } });
    all.addEventListener('click', () => context.onSelectAllLike(conflict));
    actions.append(
      make('label', { className: 'pick', attrs: { for: box.id } }, [box, ` Select ${name} to settle together`]),
      all,
      make('span', { className: 'hint', text: `${context.alike} alike` }),
    );
  }
  return make(
    'li',
    { className: `conflict-item${context.selected ? ' selected' : ''}`, attrs: { 'aria-label': `${name}, ${conflict.homeroom}` } },
    [
      heading,
      make('p', { className: 'meta', text: `${whenText(conflict)} · ${fieldsText(conflict.fields)}` }),
      make('p', { className: 'sides', text: `${conflictSummary(conflict)}.` }),
      make('p', { className: 'suggestion', text: suggestionText(conflict, context.timeZone) }),
      actions,
    ],
  );
}
