/**
 * Who was last signed in on this browser, kept so a staff page opens
 * offline. Only a name, a role and the school's clock: never a token (the
 * session cookie is HttpOnly and stays out of reach of scripts).
 */
import type { SessionInfo } from '../shared/account-protocol.ts';
import type { SchoolInfo } from '../shared/protocol.ts';
import { assertKeptSession, type KeptSession } from './staff-guards.ts';

export type { KeptSession };

const KEY = 'doorline.session';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A session that acts for a school; one still setting a school up has nothing to keep. */
export function keepSession(store: Store, session: SessionInfo & { school: SchoolInfo }): KeptSession {
  const kept: KeptSession = {
    name: session.staff.name,
    role: session.staff.role,
    school: {
      name: session.school.name,
      timeZone: session.school.timeZone,
      bellTime: session.school.bellTime,
      // The roll says "No school today" offline too.
      ...(session.school.weekdaysOff ? { weekdaysOff: session.school.weekdaysOff } : {}),
      ...(session.school.closures ? { closures: session.school.closures } : {}),
      // The roll offers them offline too.
      ...(session.school.absenceReasons ? { absenceReasons: session.school.absenceReasons } : {}),
    },
    ...(session.homerooms ? { homerooms: session.homerooms } : {}),
  };
  try {
    store.setItem(KEY, JSON.stringify(kept));
  } catch {
    // Storage full or blocked: the page still works online.
  }
  return kept;
}

export function keptSession(store: Store): KeptSession | null {
  try {
    const value: unknown = JSON.parse(store.getItem(KEY) ?? 'null');
    if (value === null) return null;
    assertKeptSession(value);
    return value;
  } catch {
    return null;
  }
}

export function forgetSession(store: Store): void {
  try {
    store.removeItem(KEY);
  } catch {
    // Nothing to forget.
  }
}
