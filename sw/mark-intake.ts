/**
 * Answers `POST /api/marks` inside the worker: check the mark, save it in the
 * outbox, and answer 202 with what the page should say, all without the
 * network. An ID not on the roster is refused here (`unknown-student`), not
 * queued; only a device with no roster yet queues what it cannot check. The answer is sent only after the outbox write has committed.
 * Each mark is stamped with the base it was made against (today's record as
 * this device knows it), the device's clock offset and its logical clock.
 */
import { DAY_SESSION, isRollCallKind, withoutStudent } from '../src/shared/attendance-model.ts';
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { assertMarkInput } from '../src/shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type MarkAnswer } from '../src/shared/protocol.ts';
import { isLateFor, localMoment } from '../src/shared/school-time.ts';
import { DayBook } from './day-book.ts';
import type { KioskCache } from './kiosk-cache.ts';
import { saveMark } from './save-mark.ts';
import type { WorkerStores } from './worker-stores.ts';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function errorResponse(error: DoorlineError): Response {
  return new Response(JSON.stringify(errorBody(error)), { status: error.status, headers: JSON_HEADERS });
}

export async function takeMark(
  request: Request,
  stores: WorkerStores,
  kiosk: KioskCache,
  book: DayBook,
): Promise<{ response: Response; added: boolean }> {
  let input: unknown;
  try {
    input = await request.json();
  } catch {
    return { response: errorResponse(new DoorlineError('bad-json')), added: false };
  }
  try {
    assertMarkInput(input);
  } catch (error) {
    if (error instanceof DoorlineError) return { response: errorResponse(error), added: false };
    throw error;
  }
  const [config, student, measured, rosterSize] = await Promise.all([
    kiosk.config(),
    kiosk.lookup(input.studentId),
    stores.meta.get('clock-offset'),
    kiosk.rosterSize(),
  ]);
  // An ID not on the roster this device holds is answered here and never queued: it is not a check-in waiting to be sent.
  if (!student && rosterSize > 0 && !withoutStudent(input.kind))
    return { response: errorResponse(new DoorlineError('unknown-student', { studentId: input.studentId })), added: false };
  const offset = typeof measured === 'number' ? measured : undefined;
  const corrected = input.at + (offset ?? 0);
  // Without a cached configuration (never the case once the page has loaded it) the device's own zone stands in.
  const school = config?.school ?? { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, bellTime: '23:59' };
  const session = input.session ?? DAY_SESSION;
  const known = await book.record(session, input.studentId, DayBook.today(corrected, school));
  const earlier =
    input.kind === 'check-in' && known?.checkInAt != null && known.checkInAt <= corrected
      ? localMoment(known.checkInAt, school.timeZone).time
      : undefined;
  if (earlier !== undefined && student) {
    // Already in: the earliest check-in stands, so a second scan changes nothing and costs no bytes.
    const answer: MarkAnswer = {
      v: PROTOCOL_VERSION,
      type: 'mark-answer',
      opId: input.opId,
      queued: false,
      studentId: input.studentId,
      student: { name: student.name, homeroom: student.homeroom },
      at: input.at,
      localTime: localMoment(corrected, school.timeZone).time,
      late: config ? isLateFor(corrected, school, session) : false,
      alreadyAt: earlier,
    };
    return { response: new Response(JSON.stringify(answer), { status: 200, headers: JSON_HEADERS }), added: false };
  }
  // A roll call's ops are kept by the page (src/ui/roll-call-memory.ts) and the server, not in this copy of today.
  const rollCall = isRollCallKind(input.kind);
  const { op, added } = await saveMark(
    stores,
    input,
    { offset, base: rollCall ? 0 : (known?.version ?? 0) },
    student && !rollCall ? (saved) => book.applyOwn(saved, corrected, school) : undefined,
  );
  const answer: MarkAnswer = {
    v: PROTOCOL_VERSION,
    type: 'mark-answer',
    opId: op.opId,
    queued: true,
    studentId: op.studentId,
    student: student ? { name: student.name, homeroom: student.homeroom } : null,
    at: op.at,
    localTime: localMoment(corrected, school.timeZone).time,
    late: config ? isLateFor(corrected, school, session) : false,
  };
  return { response: new Response(JSON.stringify(answer), { status: 202, headers: JSON_HEADERS }), added };
}
