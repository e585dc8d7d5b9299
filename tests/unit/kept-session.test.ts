import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../src/shared/account-protocol.ts';
import type { SchoolInfo } from '../../src/shared/protocol.ts';
import { forgetSession, keepSession, keptSession } from '../../src/ui/kept-session.ts';

function memory() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    items,
  };
}

const session: SessionInfo & { school: SchoolInfo } = {
  v: 1,
  type: 'session',
  staff: { id: 'staff-1', name: 'Grace Hopper', email: 'teacher@riverside.example', role: 'teacher' },
  school: { id: 'school-1', name: 'Riverside Community School', timeZone: 'Europe/London', bellTime: '08:45' },
  mustChangePassword: false,
  expiresAt: 1_800_000_000_000,
};

describe('the session kept for working offline', () => {
  it('keeps the name, the role and the school’s clock, and nothing else', () => {
    const store = memory();
    keepSession(store, session);
    const stored = JSON.parse(store.items.get('doorline.session') ?? '{}') as Record<string, unknown>;
    expect(stored).toEqual({
      name: 'Grace Hopper',
      role: 'teacher',
      school: { name: 'Riverside Community School', timeZone: 'Europe/London', bellTime: '08:45' },
    });
    expect(JSON.stringify(stored)).not.toMatch(/email|expires|staff-1|school-1/);
    expect(keptSession(store)).toEqual(stored);
  });

  it('keeps the school’s days off and closures, so the roll says "No school today" offline', () => {
    const store = memory();
    const closures = [{ firstDay: '2026-12-21', lastDay: '2027-01-05', reason: 'Christmas holidays' }];
    keepSession(store, { ...session, school: { ...session.school, weekdaysOff: [6, 7], closures } });
    expect(keptSession(store)?.school).toEqual({
      name: 'Riverside Community School',
      timeZone: 'Europe/London',
      bellTime: '08:45',
      weekdaysOff: [6, 7],
      closures,
    });
  });

  it('forgets it on sign-out', () => {
    const store = memory();
    keepSession(store, session);
    forgetSession(store);
    expect(keptSession(store)).toBeNull();
  });

  it.each([
    ['not json'],
    ['{"name":"Eve","role":"superuser","school":{"name":"x","timeZone":"UTC","bellTime":"08:00"}}'],
    ['{"name":"Eve","role":"admin"}'],
    ['{"name":"Eve","role":"admin","school":{"name":"x","timeZone":"UTC","bellTime":"08:00","weekdaysOff":[8]}}'],
    ['{"name":"Eve","role":"admin","school":{"name":"x","timeZone":"UTC","bellTime":"08:00","closures":[{"firstDay":"2026-12-21"}]}}'],
  ])('trusts nothing it cannot check: %s', (stored) => {
    const store = memory();
    store.setItem('doorline.session', stored);
    expect(keptSession(store)).toBeNull();
  });
});
