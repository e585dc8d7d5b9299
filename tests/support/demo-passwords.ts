/**
 * The demo accounts' passwords in tests. A real server generates its own at
 * the first start; tests hand it these instead (DOORLINE_DEMO_PASSWORDS for a
 * server process, an argument in process) so they can sign in as anyone.
 */
import type { StaffRole } from '../../src/shared/account-protocol.ts';

export const DEMO_PASSWORDS: Record<StaffRole, string> = {
  teacher: 'riverside-teacher',
  office: 'riverside-office',
  admin: 'riverside-admin',
};

/** The value of DOORLINE_DEMO_PASSWORDS that gives a server process these passwords. */
export const DEMO_PASSWORDS_ENV = Object.entries(DEMO_PASSWORDS)
  .map(([role, password]) => `${role}=${password}`)
  .join(',');
