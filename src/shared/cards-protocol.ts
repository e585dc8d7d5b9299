/**
 * `GET /api/cards?homeroom=`: the students an admin prints ID cards for, and
 * the homerooms to choose from. Students who have left are not on it.
 */
import { expectArray, expectFields, expectString } from './guard.ts';
import type { ProtocolVersion } from './protocol.ts';
import { expectReadableVersion } from './protocol-guards.ts';

export interface CardStudent {
  /** The ID on the card, typed or scanned at the door. */
  studentId: string;
  name: string;
  homeroom: string;
}

export interface CardList {
  v: ProtocolVersion;
  type: 'cards';
  /** Every homeroom with a current student, in order. */
  homerooms: string[];
  /** The homeroom asked for, or null for the whole school. */
  homeroom: string | null;
  /** By homeroom, then name. */
  students: CardStudent[];
}

/** Lenient: a page the worker cached may be older than the server that answers it. */
export function assertCardList(value: unknown): asserts value is CardList {
  expectFields(value, '$', ['v', 'type', 'homerooms', 'homeroom', 'students']);
  expectReadableVersion(value, '$');
  expectArray(value.homerooms, '$.homerooms', 'bad-response');
  value.homerooms.forEach((name, i) => expectString(name, `$.homerooms[${i}]`, { min: 0, max: 64 }, 'bad-response'));
  if (value.homeroom !== null) expectString(value.homeroom, '$.homeroom', { min: 0, max: 64 }, 'bad-response');
  expectArray(value.students, '$.students', 'bad-response');
  value.students.forEach((student, i) => {
    expectFields(student, `$.students[${i}]`, ['studentId', 'name', 'homeroom']);
    expectString(student.studentId, `$.students[${i}].studentId`, { max: 64 }, 'bad-response');
    expectString(student.name, `$.students[${i}].name`, { min: 0, max: 200 }, 'bad-response');
    expectString(student.homeroom, `$.students[${i}].homeroom`, { min: 0, max: 64 }, 'bad-response');
  });
}
