import { describe, expect, it } from 'vitest';
import { canSelect, likeCount, prune, selectAllLike, selectedOf, toggle } from '../../src/ui/similar-selection.ts';

const late = (id: string) => ({ id, similarKey: 'late-vs-present' });
const absent = (id: string) => ({ id, similarKey: 'absent-vs-excused' });
const conflicts = [late('a'), late('b'), absent('c'), late('d')];

describe('settling conflicts alike together', () => {
  it('selects every conflict like the one asked about', () => {
    expect([...selectAllLike(conflicts, late('b'))]).toEqual(['a', 'b', 'd']);
    expect(likeCount(conflicts, late('a'))).toBe(3);
    expect(likeCount(conflicts, absent('c'))).toBe(1);
  });

  it('never mixes kinds: a conflict of another kind cannot join the selection', () => {
    const selected = toggle(conflicts, new Set(), late('a'), true);
    expect(canSelect(conflicts, selected, absent('c'))).toBe(false);
    expect([...toggle(conflicts, selected, absent('c'), true)]).toEqual(['a']);
    expect([...toggle(conflicts, selected, late('d'), true)]).toEqual(['a', 'd']);
  });

  it('lets any kind be selected once the selection is empty again', () => {
    const none = toggle(conflicts, new Set(['a']), late('a'), false);
    expect(none.size).toBe(0);
    expect(canSelect(conflicts, none, absent('c'))).toBe(true);
  });

  it('replaces a selection of another kind when asked for all like this', () => {
    expect([...selectAllLike(conflicts, absent('c'))]).toEqual(['c']);
  });

  it('drops settled conflicts from the selection when the list is read again', () => {
    const after = prune([late('a'), absent('c')], new Set(['a', 'b', 'd']));
    expect([...after]).toEqual(['a']);
    expect(selectedOf(conflicts, new Set(['d', 'a'])).map((c) => c.id)).toEqual(['a', 'd']);
  });
});
