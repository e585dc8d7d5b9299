/**
 * Answers `POST /api/marks` inside the worker: check the mark, save it in the
 * outbox, and answer 202 with what the kiosk should say, all without the
 * network. The answer is sent only after the outbox write has committed.
 */
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { assertMarkInput } from '../src/shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type MarkAnswer } from '../src/shared/protocol.ts';
import { isLate, localMoment } from '../src/shared/school-time.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { Outbox } from './outbox.ts';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function errorResponse(error: DoorlineError): Response {
  return new Response(JSON.stringify(errorBody(error)), { status: error.status, headers: JSON_HEADERS });
}

export async function takeMark(request: Request, outbox: Outbox, kiosk: KioskCache): Promise<{ response: Response; added: boolean }> {
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
  const [{ op, added }, config, student] = await Promise.all([outbox.enqueue(input), kiosk.config(), kiosk.lookup(input.studentId)]);
  // Without a cached configuration (never the case once the page has loaded it) the device's own zone stands in.
  const timeZone = config?.school.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const answer: MarkAnswer = {
    v: PROTOCOL_VERSION,
    type: 'mark-answer',
    opId: op.opId,
    queued: true,
    studentId: op.studentId,
    student: student ? { name: student.name, homeroom: student.homeroom } : null,
    at: op.at,
    localTime: localMoment(op.at, timeZone).time,
    late: config ? isLate(op.at, timeZone, config.school.bellTime) : false,
  };
  return { response: new Response(JSON.stringify(answer), { status: 202, headers: JSON_HEADERS }), added };
}
