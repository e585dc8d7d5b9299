import { describe, expect, it } from 'vitest';
import { afterPull, NO_NOTICE, type NoticeAction, type NoticeState } from '../../src/ui/conflict-notice.ts';

/** Runs pulls in order, as the worker reports them, and records what the page was told to do. */
function timeline(
  pulls: Array<{ conflictsOpened: number; conflictsResolved: number } | 'list-read'>,
): Array<[NoticeAction | 'list-read', number]> {
  let state: NoticeState = NO_NOTICE;
  return pulls.map((pull) => {
    if (pull === 'list-read') {
      state = NO_NOTICE;
      return ['list-read', 0];
    }
    const next = afterPull(state, pull);
    state = next.state;
    return [next.action, state.unseen];
  });
}

describe('the banner about new conflicts', () => {
  it('shows one banner whose count grows with each pull until the list is read', () => {
    expect(
      timeline([
        { conflictsOpened: 2, conflictsResolved: 0 },
        { conflictsOpened: 0, conflictsResolved: 0 },
        { conflictsOpened: 1, conflictsResolved: 0 },
        'list-read',
        { conflictsOpened: 1, conflictsResolved: 0 },
      ]),
    ).toEqual([
      ['show-banner', 2],
      ['nothing', 2],
      ['show-banner', 3],
      ['list-read', 0],
      ['show-banner', 1],
    ]);
  });

  it('reads the list again quietly when conflicts were settled elsewhere and nothing new waits', () => {
    expect(timeline([{ conflictsOpened: 0, conflictsResolved: 2 }])).toEqual([['reload-quietly', 0]]);
  });

  it('leaves the list alone while the banner already asks for a refresh', () => {
    expect(
      timeline([
        { conflictsOpened: 1, conflictsResolved: 0 },
        { conflictsOpened: 0, conflictsResolved: 1 },
      ]),
    ).toEqual([
      ['show-banner', 1],
      ['nothing', 1],
    ]);
  });
});
