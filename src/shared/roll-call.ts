/**
 * The emergency roll call: who should be on site, who has been found at the
 * muster point, and how roll calls made on several devices become one. The
 * same rules run on the server and on the page, which keeps its browser's
 * copy (src/ui/roll-call-memory.ts); the worker only queues the ops.
 *
 * A marshal ticks a student as found, and can undo a tick made by mistake.
 * Per student the latest of their ticks and undos stands (an undo at the
 * same moment as a tick wins: a student shown missing is looked for, one
 * shown found is not). Each roll call keeps, per student, the first tick,
 * the last tick and the last undo, each only growing one way (earliest,
 * latest, latest), so what several offline devices did merges the same in
 * any order. A student found, undone, then found again shows the time of
 * the tick that stands.
 *
 * A start made while a roll call runs (or ran, for a device that was
 * offline and had not heard it ended), or within SAME_EMERGENCY_MS before
 * one began, joins it instead of opening a second: two tablets that start
 * offline at about the same time end up in one roll call once both are
 * back, the earlier start standing. Ticks and ends go to the roll call
 * started last before them.
 *
 *   none ──start A 10:00──▶ RC1 open ──start B 10:01──▶ RC1 (joined)
 *                             └─end 10:20──▶ RC1 ended ──start C 10:05, sent late──▶ RC1 (joined)
 *                                                     └─start D 10:30──▶ RC2 open
 */
import type { AttendanceStatus, RollCallOpKind } from './attendance-model.ts';
import type { ProtocolVersion } from './protocol.ts';
import { byHomeroom } from './homeroom-order.ts';

/** A roll call as the server numbers it; `endedAt` null while it runs. */
export interface RollCallHead {
  id: string;
  date: string;
  startedAt: number;
  endedAt: number | null;
}

/** What a roll call's marshals did, per student (see the top of this file); the optional maps are left out while empty. */
export interface RollCallTicks {
  /** Student → when they were first ticked as found. */
  found: Record<string, number>;
  /** Student → when they were last ticked, where that is after the first tick. */
  lastFound?: Record<string, number>;
  /** Student → when a tick of theirs was last undone. */
  cleared?: Record<string, number>;
}

/** A roll call with its ticks; on a device, `id` is null until the server has named the one it started offline. */
export interface RollCallState extends RollCallTicks {
  id: string | null;
  date: string;
  startedAt: number;
  endedAt: number | null;
}

export interface RollCallStudent {
  studentId: string;
  name: string;
  homeroom: string;
}

/** What the list needs of a student's whole-day record. */
export interface DayPresence {
  status: AttendanceStatus | null;
  checkInAt: number | null;
  checkOutAt: number | null;
}

export interface RollCallRow extends RollCallStudent {
  /** When they were found at the muster point; null while missing. */
  foundAt: number | null;
}

/**
 * `GET /api/roll-call`: today's roll call (or none) and what its list is made
 * of, from the device's copy of today or from the server; the page makes the
 * list (rollCallRows), so the worker, which the kiosk installs too, stays small.
 */
export interface RollCallDay {
  v: ProtocolVersion;
  type: 'roll-call-day';
  date: string;
  rollCall: RollCallState | null;
  /** The roster. */
  students: RollCallStudent[];
  /** Who is on site by the day's records (isOnSite). */
  onSite: string[];
  source: 'device' | 'server';
}

/** What ending a roll call writes in the log. */
export interface RollCallReport {
  durationMs: number;
  expected: number;
  found: number;
  missing: RollCallStudent[];
}

/** On site: checked in or marked present (late counts), and not checked out. */
export function isOnSite(record: DayPresence | undefined): boolean {
  if (!record || record.checkOutAt !== null) return false;
  return record.checkInAt !== null || record.status === 'present' || record.status === 'late';
}

/** "7A" before "10A", then by name. */
export function byHomeroomThenName(a: RollCallStudent, b: RollCallStudent): number {
  return byHomeroom(a.homeroom, b.homeroom) || a.name.localeCompare(b.name) || a.studentId.localeCompare(b.studentId);
}

/**
 * The list: everyone on site, and anyone found who was not (a marshal saw
 * them, so they are on site whatever the records say), by homeroom.
 */
export function rollCallRows(
  students: readonly RollCallStudent[],
  onSite: ReadonlySet<string>,
  found: Readonly<Record<string, number>>,
): RollCallRow[] {
  return students
    .filter((s) => onSite.has(s.studentId) || found[s.studentId] !== undefined)
    .map((s) => ({ studentId: s.studentId, name: s.name, homeroom: s.homeroom, foundAt: found[s.studentId] ?? null }))
    .sort(byHomeroomThenName);
}

export function rollCallCounts(rows: readonly RollCallRow[]): { found: number; missing: number } {
  const found = rows.filter((r) => r.foundAt !== null).length;
  return { found, missing: rows.length - found };
}

const folded = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');

/** A search by name, ID or homeroom: every word typed must be in one of them, accents and case aside. */
export function matchesSearch(row: RollCallStudent, query: string): boolean {
  const words = folded(query).split(/\s+/).filter(Boolean);
  const haystack = folded(`${row.name} ${row.studentId} ${row.homeroom}`);
  return words.every((word) => haystack.includes(word));
}

/** A tick: the earliest time a student was found stands, so ticks merge in any order. */
export function withFound(found: Readonly<Record<string, number>>, studentId: string, at: number): Record<string, number> {
  const known = found[studentId];
  return known !== undefined && known <= at ? { ...found } : { ...found, [studentId]: at };
}

const withLatest = (map: Readonly<Record<string, number>> | undefined, studentId: string, at: number): Record<string, number> => {
  const known = map?.[studentId];
  return known !== undefined && known >= at ? { ...map } : { ...map, [studentId]: at };
};

const lastTickOf = (ticks: RollCallTicks, studentId: string): number | undefined => ticks.lastFound?.[studentId] ?? ticks.found[studentId];

/**
 * A student's first and last tick after one more at `at`: the earliest and
 * the latest. An earlier tick heard late leaves the last one standing, which
 * an undo between the two may not have reached.
 */
export function tickSpan(first: number, last: number, at: number): { first: number; last: number } {
  return { first: Math.min(first, at), last: Math.max(last, at) };
}

/** The ticks after one more: the first tick and, when later than the first, the last. */
export function withTick<T extends RollCallTicks>(ticks: T, studentId: string, at: number): T {
  const known = ticks.found[studentId];
  if (known === undefined) return { ...ticks, found: { ...ticks.found, [studentId]: at } };
  const last = lastTickOf(ticks, studentId) ?? known;
  const span = tickSpan(known, last, at);
  if (span.first === known && span.last === last) return ticks;
  return { ...ticks, found: { ...ticks.found, [studentId]: span.first }, lastFound: withLatest(ticks.lastFound, studentId, span.last) };
}

/** The ticks after a marshal undid the student's tick at `at`. */
export function withUndo<T extends RollCallTicks>(ticks: T, studentId: string, at: number): T {
  return { ...ticks, cleared: withLatest(ticks.cleared, studentId, at) };
}

/** What two devices' ticks of one roll call say together; the same in any order, and again the same when repeated. */
export function joinTicks<T extends RollCallTicks>(into: T, from: RollCallTicks): T {
  let joined = into;
  for (const [id, at] of Object.entries(from.found)) joined = withTick(joined, id, at);
  for (const [id, at] of Object.entries(from.lastFound ?? {})) joined = withTick(joined, id, at);
  for (const [id, at] of Object.entries(from.cleared ?? {})) joined = withUndo(joined, id, at);
  return joined;
}

/**
 * Who is found now, and since when: those whose last tick came after their
 * last undo, with the first tick after it when that is known (the first
 * tick, when no undo came after it), else the last tick.
 */
export function foundNow(ticks: RollCallTicks): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [id, first] of Object.entries(ticks.found)) {
    const cleared = ticks.cleared?.[id];
    const last = lastTickOf(ticks, id) ?? first;
    if (cleared === undefined) found[id] = first;
    else if (last > cleared) found[id] = first > cleared ? first : last;
  }
  return found;
}

/** Starts this close together are one emergency: a second tablet started offline a moment later or earlier. */
export const SAME_EMERGENCY_MS = 5 * 60_000;

/** Whether a start at `at` belongs to roll call `r`: it was running then, or began about the same time. */
export function startJoins(r: Pick<RollCallHead, 'startedAt' | 'endedAt'>, at: number): boolean {
  const runningThen = r.startedAt <= at && (r.endedAt === null || r.endedAt >= at);
  return runningThen || (r.startedAt > at && r.startedAt - at <= SAME_EMERGENCY_MS);
}

/**
 * The roll call a start at `at` joins, among the school's roll calls of its
 * day (the latest such); null: the start opens a new one. A device offline
 * through a whole roll call of its own, long before another one, keeps its own.
 */
export function rollCallToJoin<T extends Pick<RollCallHead, 'startedAt' | 'endedAt'>>(rollCalls: readonly T[], at: number): T | null {
  return [...rollCalls].sort((a, b) => b.startedAt - a.startedAt).find((r) => startJoins(r, at)) ?? null;
}

/**
 * The roll call a tick or an end at `at` belongs to: the latest started by
 * then, else (a device clock a little behind) the one running. Null: none.
 */
export function rollCallForTick<T extends Pick<RollCallHead, 'startedAt' | 'endedAt'>>(rollCalls: readonly T[], at: number): T | null {
  const started = rollCalls.filter((r) => r.startedAt <= at).sort((a, b) => b.startedAt - a.startedAt)[0];
  return started ?? rollCalls.find((r) => r.endedAt === null) ?? null;
}

/**
 * A device's roll call after the server's word on today's: the same roll
 * call (by id, or the one this device started offline if the server joins
 * the two, as startJoins says) takes the server's id and times and keeps
 * every tick of both; a later one replaces it; an earlier one leaves it be.
 */
export function absorbRollCall(local: RollCallState | null, server: RollCallState & { id: string }): RollCallState {
  if (!local || local.date !== server.date) return server;
  if (local.id === server.id || (local.id === null && startJoins(server, local.startedAt)))
    return {
      ...server,
      ...joinTicks(server, local),
      // Ended here and not yet there: the end on its way ends it there too.
      endedAt: server.endedAt ?? local.endedAt,
    };
  return server.startedAt > local.startedAt ? server : local;
}

/**
 * A roll-call op this device just made, on what it holds: a start opens a
 * roll call unless one runs (the server joins them too); a tick or an end
 * without one changes nothing.
 */
export function applyOwn(
  local: RollCallState | null,
  op: { kind: RollCallOpKind; studentId: string; at: number },
  date: string,
): RollCallState | null {
  const current = local?.date === date ? local : null;
  if (op.kind === 'roll-call-start')
    return current && current.endedAt === null ? current : { id: null, date, startedAt: op.at, endedAt: null, found: {} };
  if (!current) return null;
  if (op.kind === 'roll-call-found') return withTick(current, op.studentId, op.at);
  if (op.kind === 'roll-call-undo') return withUndo(current, op.studentId, op.at);
  return { ...current, endedAt: current.endedAt ?? op.at };
}

/** Who was still missing when a roll call ended, and how long it ran. */
export function rollCallReport(rows: readonly RollCallRow[], startedAt: number, endedAt: number): RollCallReport {
  const missing = rows.filter((r) => r.foundAt === null).map(({ studentId, name, homeroom }) => ({ studentId, name, homeroom }));
  return { durationMs: Math.max(0, endedAt - startedAt), expected: rows.length, found: rows.length - missing.length, missing };
}

/** "3 min 05 s", "1 h 02 min": how long a roll call has run. */
export function elapsedText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
