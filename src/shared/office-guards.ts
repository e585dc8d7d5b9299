/** `asserts` guards for the change feed and the roll (./office-protocol.ts), as the worker and pages receive them. */
import { expectArray, expectInteger, expectOneOf, expectRecord, expectString, fail } from './guard.ts';
import type { ChangePage, RollView } from './office-protocol.ts';
import { ATTENDANCE_STATUSES } from './protocol.ts';

const TIME = { min: 0, max: 4_102_444_800_000 };
const nullableTime = (value: unknown, path: string) => {
  if (value !== null) expectInteger(value, path, TIME, 'bad-response');
};

export function assertChangePage(value: unknown): asserts value is ChangePage {
  expectRecord(value, '$', ['v', 'type', 'cursor', 'more', 'serverTime', 'changes'], [], 'bad-response');
  expectOneOf(value.type, '$.type', ['changes'], 'bad-response');
  expectString(value.cursor, '$.cursor', { max: 15, pattern: /^\d+$/ }, 'bad-response');
  if (typeof value.more !== 'boolean') fail('bad-response', '$.more', 'must be a boolean');
  expectInteger(value.serverTime, '$.serverTime', TIME, 'bad-response');
  expectArray(value.changes, '$.changes', 'bad-response');
  value.changes.forEach((change, i) => {
    const path = `$.changes[${i}]`;
    expectRecord(change, path, ['kind'], ['studentId', 'date', 'session', 'status', 'checkInAt', 'checkOutAt', 'version', 'conflictId'], 'bad-response');
    expectOneOf(change.kind, `${path}.kind`, ['record', 'roster', 'conflict-opened', 'conflict-resolved'], 'bad-response');
    if (change.kind === 'roster') {
      expectString(change.version, `${path}.version`, { max: 128 }, 'bad-response');
      return;
    }
    expectString(change.studentId, `${path}.studentId`, { max: 64 }, 'bad-response');
    expectString(change.date, `${path}.date`, { max: 10 }, 'bad-response');
    expectString(change.session, `${path}.session`, { max: 32 }, 'bad-response');
    if (change.kind === 'record') {
      if (change.status !== null) expectOneOf(change.status, `${path}.status`, ATTENDANCE_STATUSES, 'bad-response');
      nullableTime(change.checkInAt, `${path}.checkInAt`);
      nullableTime(change.checkOutAt, `${path}.checkOutAt`);
      expectInteger(change.version, `${path}.version`, { min: 0, max: Number.MAX_SAFE_INTEGER }, 'bad-response');
    } else expectString(change.conflictId, `${path}.conflictId`, { max: 64 }, 'bad-response');
  });
}

export function assertRollView(value: unknown): asserts value is RollView {
  expectRecord(value, '$', ['v', 'type', 'date', 'session', 'group', 'groups', 'sessions', 'rows', 'source'], [], 'bad-response');
  expectOneOf(value.type, '$.type', ['roll'], 'bad-response');
  expectArray(value.rows, '$.rows', 'bad-response');
  expectArray(value.groups, '$.groups', 'bad-response');
  expectArray(value.sessions, '$.sessions', 'bad-response');
}
