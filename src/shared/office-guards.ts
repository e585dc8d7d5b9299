/** `asserts` guards for the change feed (./protocol.ts) and the roll (./office-protocol.ts), as the worker and pages receive them. */
import { ATTENDANCE_STATUSES } from './attendance-model.ts';
import { expectArray, expectFields, expectInteger, expectOneOf, expectString, fail } from './guard.ts';
import type { RollView } from './office-protocol.ts';
import type { RollCallDay } from './roll-call.ts';
import type { ChangePage } from './protocol.ts';
import { expectReadableVersion, LATEST_TIME } from './protocol-guards.ts';

const TIME = { min: 0, max: LATEST_TIME };
const nullableTime = (value: unknown, path: string) => {
  if (value !== null) expectInteger(value, path, TIME, 'bad-response');
};

const CHANGE_KINDS = ['record', 'roster', 'settings', 'conflict-opened', 'conflict-resolved'] as const;
const knownKind = (change: unknown): boolean =>
  typeof change === 'object' &&
  change !== null &&
  CHANGE_KINDS.includes((change as { kind?: unknown }).kind as (typeof CHANGE_KINDS)[number]);

/**
 * Checks a page of the change feed. Fields a newer server adds are ignored,
 * and a change of a kind this version does not know is news it cannot act
 * on: it is taken out of `changes`, and the rest of the page still applies.
 */
export function assertChangePage(value: unknown): asserts value is ChangePage {
  expectFields(value, '$', ['v', 'type', 'cursor', 'more', 'serverTime', 'changes']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['changes'], 'bad-response');
  expectString(value.cursor, '$.cursor', { max: 15, pattern: /^\d+$/ }, 'bad-response');
  if (typeof value.more !== 'boolean') fail('bad-response', '$.more', 'must be a boolean');
  expectInteger(value.serverTime, '$.serverTime', TIME, 'bad-response');
  expectArray(value.changes, '$.changes', 'bad-response');
  value.changes.forEach((change, i) => {
    const path = `$.changes[${i}]`;
    expectFields(change, path, ['kind']);
    if (!knownKind(change)) return;
    if (change.kind === 'roster') {
      expectString(change.version, `${path}.version`, { max: 128 }, 'bad-response');
      return;
    }
    if (change.kind === 'settings') {
      expectInteger(change.version, `${path}.version`, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'bad-response');
      return;
    }
    expectString(change.studentId, `${path}.studentId`, { max: 64 }, 'bad-response');
    expectString(change.date, `${path}.date`, { max: 10 }, 'bad-response');
    expectString(change.session, `${path}.session`, { max: 32 }, 'bad-response');
    if (change.kind === 'record') {
      expectFields(change, path, ['status', 'checkInAt', 'checkOutAt', 'version']);
      if (change.status !== null) expectOneOf(change.status, `${path}.status`, ATTENDANCE_STATUSES, 'bad-response');
      nullableTime(change.checkInAt, `${path}.checkInAt`);
      nullableTime(change.checkOutAt, `${path}.checkOutAt`);
      expectInteger(change.version, `${path}.version`, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'bad-response');
    } else expectString(change.conflictId, `${path}.conflictId`, { max: 64 }, 'bad-response');
  });
  const known = value.changes.filter(knownKind);
  if (known.length < value.changes.length) value.changes.splice(0, value.changes.length, ...known);
}

export function assertRollView(value: unknown): asserts value is RollView {
  expectFields(value, '$', ['v', 'type', 'date', 'session', 'group', 'groups', 'sessions', 'rows', 'source']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['roll'], 'bad-response');
  expectArray(value.rows, '$.rows', 'bad-response');
  expectArray(value.groups, '$.groups', 'bad-response');
  expectArray(value.sessions, '$.sessions', 'bad-response');
}

export function assertRollCallDay(value: unknown): asserts value is RollCallDay {
  expectFields(value, '$', ['v', 'type', 'date', 'rollCall', 'students', 'onSite', 'source']);
  expectReadableVersion(value, '$');
  expectOneOf(value.type, '$.type', ['roll-call-day'], 'bad-response');
  expectArray(value.students, '$.students', 'bad-response');
  value.students.forEach((s, i) => expectFields(s, `$.students[${i}]`, ['studentId', 'name', 'homeroom']));
  expectArray(value.onSite, '$.onSite', 'bad-response');
  if (value.rollCall !== null) {
    expectFields(value.rollCall, '$.rollCall', ['id', 'date', 'startedAt', 'endedAt', 'found']);
    expectInteger(value.rollCall.startedAt, '$.rollCall.startedAt', TIME, 'bad-response');
    nullableTime(value.rollCall.endedAt, '$.rollCall.endedAt');
    expectFields(value.rollCall.found, '$.rollCall.found', []);
  }
}
