/**
 * Starting the emergency roll call from any staff page, and the roll call's
 * ops as the page makes them: posted to `/api/marks` like any mark, so the
 * service worker saves them on the device first (offline too) and sends
 * them through the same outbox and sync; and applied at once to this
 * browser's copy (./roll-call-memory.ts), so every page shows them offline.
 */
import type { RollCallOpKind } from '../shared/attendance-model.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { applyOwn, type RollCallState } from '../shared/roll-call.ts';
import { localMoment } from '../shared/school-time.ts';
import { ulid } from '../shared/ulid.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { rememberedRollCall, rememberRollCall } from './roll-call-memory.ts';
import { call, type Answer } from './staff-api.ts';

export const ROLL_CALL_PATH = '/roll-call';

/** The school as the roll call needs it: its name (whose copy) and its clock (whose day). */
export interface RollCallSchool {
  name: string;
  timeZone: string;
}

export const todayAt = (school: RollCallSchool, at = Date.now()): string => localMoment(at, school.timeZone).date;

/** This browser's copy of today's roll call. */
export const keptRollCall = (school: RollCallSchool): RollCallState | null =>
  rememberedRollCall(localStorage, school.name, todayAt(school));

/** Makes one roll-call op (`studentId` empty for a start or an end): kept here at once, then posted. */
export function makeRollCallOp(school: RollCallSchool, kind: RollCallOpKind, studentId = '', at = Date.now()): Promise<Answer<unknown>> {
  rememberRollCall(localStorage, school.name, applyOwn(keptRollCall(school), { kind, studentId, at }, todayAt(school, at)));
  const opId = ulid(at, (bytes) => crypto.getRandomValues(bytes));
  return call('/api/marks', { method: 'POST', body: { v: PROTOCOL_VERSION, opId, kind, studentId, at } });
}

/**
 * Asks once, then starts it (the safe choice has the focus, so a stray
 * Enter starts nothing); one already running here is simply opened.
 */
export async function startRollCall(school: RollCallSchool): Promise<void> {
  const running = keptRollCall(school);
  if (!running || running.endedAt !== null) {
    const start = await confirmDialog({
      heading: 'Start an emergency roll call?',
      text: 'Every staff device will list who should be on site, for marshals to tick at the muster point. It works without the network.',
      confirm: 'Start the roll call',
    });
    if (!start) return;
    await makeRollCallOp(school, 'roll-call-start');
  }
  if (location.pathname === ROLL_CALL_PATH) location.reload();
  else location.assign(ROLL_CALL_PATH);
}
