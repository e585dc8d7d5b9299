/**
 * Answers `GET /api/roll` (and `GET /api/roll-call`) from this device's copy of today, so the roll opens
 * and fills offline. A device that has not loaded today yet (no school
 * settings or roster cached, or no pull of today's records since they were)
 * passes the request to the server instead of showing a day it has not
 * loaded as if nobody had been marked.
 */
import { DAY_SESSION } from '../src/shared/attendance-model.ts';
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { sessionsOf } from '../src/shared/sessions.ts';
import type { ChangePull } from './change-pull.ts';
import { DayBook } from './day-book.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { RollCallBook } from './roll-call-book.ts';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export interface RollServerDelegate {
  kiosk: Pick<KioskCache, 'config' | 'rosterSize'>;
  book: Pick<DayBook, 'roll'>;
  feed: Pick<ChangePull, 'hasLoaded'>;
  fetchImpl: (path: string) => Promise<Response>;
  now?: () => number;
}

/** The school's settings once this device holds its roster and has loaded the day at `now`; else null. */
async function loadedSchool(d: RollServerDelegate, now: number) {
  const config = await d.kiosk.config().catch(() => null);
  return config !== null && (await d.kiosk.rosterSize()) > 0 && (await d.feed.hasLoaded(now, config.school)) ? config : null;
}

export async function serveRoll(url: URL, d: RollServerDelegate): Promise<Response> {
  const now = (d.now ?? Date.now)();
  const config = await loadedSchool(d, now);
  if (!config) return d.fetchImpl(url.pathname + url.search);
  const session = url.searchParams.get('session') ?? DAY_SESSION;
  const sessions = sessionsOf(config.school.periods);
  if (!sessions.includes(session)) {
    const error = new DoorlineError('invalid-query', { path: '$query.session', problem: `must be one of ${sessions.join(', ')}` });
    return new Response(JSON.stringify(errorBody(error)), { status: 400, headers: JSON_HEADERS });
  }
  const view = await d.book.roll(url.searchParams.get('group'), session, now, config.school);
  return new Response(JSON.stringify(view), { headers: JSON_HEADERS });
}

/** `GET /api/roll-call` answered from this device's copy of today (sw/roll-call-book.ts), on the same terms as the roll. */
export async function serveRollCall(url: URL, d: RollServerDelegate & { rollCalls: Pick<RollCallBook, 'day'> }): Promise<Response> {
  const now = (d.now ?? Date.now)();
  const config = await loadedSchool(d, now);
  if (!config) return d.fetchImpl(url.pathname + url.search);
  return new Response(JSON.stringify(await d.rollCalls.day(DayBook.today(now, config.school))), { headers: JSON_HEADERS });
}
