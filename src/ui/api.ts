/** The page's requests. When the worker controls the page it answers them; otherwise the server does. */
import { DoorlineError, type ErrorCode } from '../shared/error-codes.ts';
import { assertKioskConfig, assertMarkAnswer, errorCodeOf } from '../shared/protocol-guards.ts';
import { PROTOCOL_VERSION, type KioskConfig, type MarkAnswer } from '../shared/protocol.ts';
import { ulid } from '../shared/ulid.ts';

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new DoorlineError('bad-response', { status: response.status });
  }
}

export async function loadKioskConfig(): Promise<KioskConfig> {
  let response: Response;
  try {
    response = await fetch('/api/kiosk-config', { cache: 'no-store' });
  } catch {
    throw new DoorlineError('network-error');
  }
  const body = await readJson(response);
  if (!response.ok) throw new DoorlineError((errorCodeOf(body) as ErrorCode | undefined) ?? 'server-error');
  assertKioskConfig(body);
  return body;
}

export type CheckInResult = { kind: 'answer'; answer: MarkAnswer } | { kind: 'refused'; code: ErrorCode; studentId: string };

/** A scan at the door: a check-in, or at an exit kiosk a check-out. */
export async function checkIn(
  kioskId: string | undefined,
  studentId: string,
  now = Date.now(),
  kind: 'check-in' | 'check-out' = 'check-in',
  /** Why a student checks out: one of CHECK_OUT_REASONS. */
  reason?: string,
): Promise<CheckInResult> {
  const input = {
    v: PROTOCOL_VERSION,
    opId: ulid(now, (bytes) => crypto.getRandomValues(bytes)),
    kind,
    ...(kioskId === undefined ? {} : { kioskId }),
    studentId,
    at: now,
    ...(reason === undefined ? {} : { reason }),
  };
  let response: Response;
  try {
    response = await fetch('/api/marks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch {
    throw new DoorlineError('network-error');
  }
  const body = await readJson(response);
  if (response.ok) {
    assertMarkAnswer(body);
    return { kind: 'answer', answer: body };
  }
  const code = errorCodeOf(body) as ErrorCode | undefined;
  if (code && response.status < 500) return { kind: 'refused', code, studentId };
  throw new DoorlineError(code ?? 'server-error', { status: response.status });
}

export type PairResult = { kind: 'paired'; config: KioskConfig } | { kind: 'refused'; code: ErrorCode };

/** Sends the pairing code a person typed; the worker adds the device's id and keeps the token. */
export async function pairThisKiosk(code: string): Promise<PairResult> {
  let response: Response;
  try {
    response = await fetch('/api/pair', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: PROTOCOL_VERSION, code }),
    });
  } catch {
    return { kind: 'refused', code: 'network-error' };
  }
  const body = await readJson(response).catch(() => null);
  if (!response.ok) return { kind: 'refused', code: (errorCodeOf(body) as ErrorCode | undefined) ?? 'server-error' };
  try {
    assertKioskConfig(body);
  } catch {
    return { kind: 'refused', code: 'bad-response' };
  }
  return { kind: 'paired', config: body };
}
