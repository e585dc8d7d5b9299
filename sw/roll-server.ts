/**
 * Answers `GET /api/roll` from this device's copy of today, so the roll opens
 * and fills offline. A device that has not loaded today yet (no school
 * settings or roster cached, or no pull of today's records since they were)
 * passes the request to the server instead of showing a day it has not
 * loaded as if nobody had been marked.
 */
import { DAY_SESSION } from '../src/shared/attendance-model.ts';
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { sessionsOf } from '../src/shared/sessions.ts';
import type { ChangePull } from './change-pull.ts';
import type { DayBook } from './day-book.ts';
import type { KioskCache } from './kiosk-cache.ts';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export interface RollServerDelegate {
  kiosk: Pick<KioskCache, 'config' | 'rosterSize'>;
  book: Pick<DayBook, 'roll'>;
  feed: Pick<ChangePull, 'hasLoaded'>;
  fetchImpl: (path: string) => Promise<Response>;
  now?: () => number;
}

export async function serveRoll(url: URL, d: RollServerDelegate): Promise<Response> {
  const now = (d.now ?? Date.now)();
  const config = await d.kiosk.config().catch(() => null);
  const ready = config !== null && (await d.kiosk.rosterSize()) > 0 && (await d.feed.hasLoaded(now, config.school));
  if (!ready) return d.fetchImpl(url.pathname + url.search);
  const session = url.searchParams.get('session') ?? DAY_SESSION;
  const sessions = sessionsOf(config.school.periods);
  if (!sessions.includes(session)) {
    const error = new DoorlineError('invalid-query', { path: '$query.session', problem: `must be one of ${sessions.join(', ')}` });
    return new Response(JSON.stringify(errorBody(error)), { status: 400, headers: JSON_HEADERS });
  }
  const view = await d.book.roll(url.searchParams.get('group'), session, now, config.school);
  return new Response(JSON.stringify(view), { headers: JSON_HEADERS });
}
