/**
 * Answers `GET /api/roll` (and `GET /api/roll-call`) from this device's copy of today, so the roll opens
 * and fills offline. A device that has not loaded today yet (no school
 * settings or roster cached, or no pull of today's records since they were)
 * passes the request to the server instead of showing a day it has not
 * loaded as if nobody had been marked.
 */
import { DAY_SESSION } from '../src/shared/attendance-model.ts';
import { DoorlineError, errorBody } from '../src/shared/error-codes.ts';
import { PROTOCOL_VERSION } from '../src/shared/protocol.ts';
import { isOnSite, type RollCallDay } from '../src/shared/roll-call.ts';
import { sessionsOf } from '../src/shared/sessions.ts';
import type { ChangePull } from './change-pull.ts';
import { DayBook } from './day-book.ts';
import type { KioskCache } from './kiosk-cache.ts';
import type { WorkerStores } from './worker-stores.ts';

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

/**
 * `GET /api/roll-call`: the server's answer (the roll call with every
 * device's ticks) while it can be reached and works; without it, this device's copy of
 * today: the roster and who is on site, with no roll call, since the page
 * keeps its own (src/ui/roll-call-memory.ts). Not loaded and offline: a
 * network error, as the page would have met without a worker.
 */
export async function serveRollCall(
  url: URL,
  d: RollServerDelegate & { stores: Pick<WorkerStores, 'roster' | 'records'> },
): Promise<Response> {
  const answer = await d.fetchImpl(url.pathname).catch(() => null);
  // A server that failed (or a proxy answering for it) is no better than none.
  if (answer && answer.status < 500) return answer;
  const now = (d.now ?? Date.now)();
  const config = await loadedSchool(d, now);
  if (!config) return Response.error();
  const date = DayBook.today(now, config.school);
  const [students, records] = await Promise.all([d.stores.roster.all(), d.stores.records.ofDay(date, DAY_SESSION)]);
  const day: RollCallDay = {
    v: PROTOCOL_VERSION,
    type: 'roll-call-day',
    date,
    rollCall: null,
    students,
    onSite: records.filter(isOnSite).map((r) => r.studentId),
    source: 'device',
  };
  return new Response(JSON.stringify(day), { headers: JSON_HEADERS });
}
