/**
 * Answers the kiosk setup screen's `POST /api/pair {v, code}`: the worker adds
 * its device id and app version, trades the code for a device token, keeps
 * the token (pages never see it) and the kiosk's configuration, and answers
 * the page with the configuration alone.
 */
import { assertPairAnswer } from '../src/shared/account-protocol.ts';
import { APP_VERSION } from '../src/shared/app-version.ts';
import { DoorlineError, errorBody, type ErrorCode } from '../src/shared/error-codes.ts';
import { expectRecord, expectString } from '../src/shared/guard.ts';
import { errorCodeOf, expectVersion } from '../src/shared/protocol-guards.ts';
import { PROTOCOL_VERSION } from '../src/shared/protocol.ts';
import type { DeviceCredentials } from './device-credentials.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { DeviceMeta } from './device-meta.ts';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

export async function pairKiosk(
  request: Request,
  deps: { meta: DeviceMeta; kiosk: KioskCache; credentials: DeviceCredentials; fetchImpl?: typeof fetch },
): Promise<{ response: Response; paired: boolean }> {
  try {
    let input: unknown;
    try {
      input = await request.json();
    } catch {
      throw new DoorlineError('bad-json');
    }
    expectRecord(input, '$', ['v', 'code']);
    expectVersion(input, '$');
    expectString(input.code, '$.code', { max: 12 });
    let response: Response;
    try {
      response = await (deps.fetchImpl ?? fetch)('/api/pair', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ v: PROTOCOL_VERSION, code: input.code, deviceId: await deps.meta.deviceId(), appVersion: APP_VERSION }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new DoorlineError('network-error', {}, 'The kiosk must be online to pair. Connect it and try again.');
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const code = errorCodeOf(body) as ErrorCode | undefined;
      throw code ? new DoorlineError(code) : new DoorlineError('server-error', { status: response.status });
    }
    assertPairAnswer(body);
    await deps.credentials.store(body.token);
    await deps.kiosk.remember(body.config);
    return { response: answer(200, body.config), paired: true };
  } catch (error) {
    if (!(error instanceof DoorlineError)) throw error;
    return { response: answer(error.status || 503, errorBody(error)), paired: false };
  }
}
