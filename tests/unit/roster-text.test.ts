import { describe, expect, it } from 'vitest';
import { isLargeLeaving, leavingConfirmation, leavingText, studentsBefore } from '../../src/ui/roster-text.ts';

const school = (name: string, left: number, unchanged: number, changed = 0, returned = 0) => ({
  name,
  students: { new: 3, changed, left, unchanged },
  fields: (returned > 0 ? { returned } : {}) as Record<string, number>,
});

describe('what the roster preview says about leavers', () => {
  it('counts the students on the roster before the import, leaving out those coming back', () => {
    expect(studentsBefore(school('A', 2, 10, 5, 1))).toBe(16);
  });

  it('says plainly when nobody leaves, and how many do and what that means', () => {
    expect(leavingText(school('Riverside', 0, 600))).toBe('No student leaves the roster of Riverside.');
    expect(leavingText(school('Riverside', 1, 599))).toBe(
      '1 of the 600 students now on the roster of Riverside is not in this file. Applying takes this student off the kiosks and off the roll; their records are kept.',
    );
    expect(isLargeLeaving(school('Riverside', 150, 450))).toBe(false);
    expect(leavingConfirmation([school('Riverside', 150, 450)])).toBeNull();
  });

  it('warns, and asks first, when more than a quarter of a school or all of it leaves', () => {
    expect(leavingText(school('Riverside', 600, 0))).toBe(
      '600 of the 600 students now on the roster of Riverside are not in this file. Applying takes them off the kiosks and off the roll; their records are kept. That is every student the school has. The file must list every student who stays, not only new ones.',
    );
    expect(leavingText(school('Riverside', 151, 449))).toContain('That is 25% of them.');
    expect(isLargeLeaving(school('Riverside', 151, 449))).toBe(true);
    expect(leavingConfirmation([school('Riverside', 1_200, 0), school('Hillside', 1, 99)])).toEqual({
      heading: 'Take 1,200 students off the roster?',
      text: 'This file leaves out 1,200 of the 1,200 students of Riverside. Applying takes them off the kiosks and off the roll; their records are kept. If you meant only to add new students, do not apply: use a file that lists every student.',
      confirm: 'Take 1,200 off and apply',
      cancel: 'Do not apply',
    });
  });
});
