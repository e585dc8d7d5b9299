import { describe, expect, it } from 'vitest';
import { destinationAfterSignIn, HOME_OF, PAGES_FOR, signInPath } from '../../src/ui/staff-pages.ts';

describe('where staff may go', () => {
  it('lets each role open its own pages only', () => {
    expect(PAGES_FOR.teacher.map((p) => p.path)).toEqual(['/roll']);
    expect(PAGES_FOR.office.map((p) => p.path)).toEqual(['/roll', '/office', '/students', '/reports']);
    expect(PAGES_FOR.admin.map((p) => p.path)).toEqual([
      '/roll',
      '/office',
      '/students',
      '/reports',
      '/staff',
      '/admin',
      '/cards',
      '/school',
    ]);
    expect(HOME_OF).toEqual({ teacher: '/roll', office: '/office', admin: '/admin' });
  });

  it.each([
    [null, 'teacher', '/roll'],
    [null, 'office', '/office'],
    [null, 'admin', '/admin'],
    ['/roll?x=1', 'office', '/roll?x=1'],
    ['/office', 'admin', '/office'],
    ['/students', 'teacher', '/roll'],
    ['/students', 'office', '/students'],
    ['/reports', 'teacher', '/roll'],
    ['/reports', 'office', '/reports'],
    ['/staff', 'office', '/office'],
    ['/staff', 'admin', '/staff'],
    ['/admin', 'teacher', '/roll'],
    ['/cards', 'office', '/office'],
    ['/cards', 'admin', '/cards'],
    ['/office?from=mail', 'teacher', '/roll'],
    ['/kiosk', 'teacher', '/kiosk'],
    ['/setup', 'admin', '/setup'],
    ['/setup', 'office', '/office'],
    ['/school', 'teacher', '/roll'],
  ] as const)('after signing in with next=%j, a %s goes to %s', (next, role, where) => {
    expect(destinationAfterSignIn(next, role)).toBe(where);
  });

  it('sends a person to sign in and back to the page they were on', () => {
    expect(signInPath('/roll?group=7B')).toBe('/sign-in?next=%2Froll%3Fgroup%3D7B');
    expect(signInPath('/office', 'password')).toBe('/sign-in?next=%2Foffice&reason=password');
  });
});
