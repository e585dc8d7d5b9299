/** A school's roster as an export gives it, before it is compared with what Doorline holds. */
import type { RosterProblem } from './roster-problems.ts';

export interface SourceRow {
  file: string;
  row: number;
}

export interface IncomingStudent extends SourceRow {
  /** The SIS's stable id; null from a plain CSV, which matches on the card number. */
  sourceId: string | null;
  studentNumber: string;
  givenName: string;
  familyName: string;
  /** Undefined when the export does not say (a plain CSV without the column): the stored value stays. */
  grade: string | null | undefined;
  homeroom: string | undefined;
}

export interface IncomingStaff extends SourceRow {
  sourceId: string;
  email: string;
  givenName: string;
  familyName: string;
  role: 'teacher' | 'admin';
  /** The homerooms (by name) they are enrolled in. */
  homerooms: string[];
}

export interface IncomingHomeroom {
  sourceId: string | null;
  name: string;
}

export interface IncomingSchool {
  /** The org's sourcedId; null for a plain CSV (the session's school). */
  sourceId: string | null;
  name: string;
  students: IncomingStudent[];
  /** sourcedIds the export marks as leaving (tobedeleted, or not enabled). */
  leavingStudents: string[];
  homerooms: IncomingHomeroom[];
  /** Null when the export says nothing about staff (a plain CSV): accounts stay as they are. */
  staff: IncomingStaff[] | null;
  leavingStaff: string[];
}

export interface IncomingRoster {
  schools: IncomingSchool[];
  problems: RosterProblem[];
}

export const fullName = (given: string, family: string): string => [given, family].filter((part) => part !== '').join(' ');
