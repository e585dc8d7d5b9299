/**
 * Priority lanes: what is sent first when the link is slow. Roll-call marks,
 * absences and excuses matter most (a child unaccounted for), then door
 * check-ins and check-outs, then notes.
 *
 * Within a device, dependency order always holds: an op is never sent before
 * an earlier op about the same record (student, session and school day) that
 * is still waiting or in flight (so an edit never overtakes what it edits, and
 * a check-out never overtakes its check-in). Ops whose days are not known
 * (sw/record-days.ts) wait for every earlier op of their student and session.
 */
import { isRollCallKind, type OpKind } from '../src/shared/attendance-model.ts';
import type { LaneName } from '../src/shared/worker-messages.ts';

export const LANES: readonly LaneName[] = ['roll', 'door', 'notes'];

export interface LanedOp {
  seq: number;
  kind: OpKind;
  studentId: string;
  session: string;
}

export function laneOf(op: { kind: OpKind }): LaneName {
  // A child unaccounted for in an emergency comes before everything.
  if (op.kind === 'status' || isRollCallKind(op.kind)) return 'roll';
  if (op.kind === 'note') return 'notes';
  return 'door';
}

/** A roll call's ops share one key: a tick never overtakes the start it belongs to, nor an end the ticks before it. */
const recordKey = (op: LanedOp): string => (isRollCallKind(op.kind) ? 'roll-call' : `${op.studentId}\u0000${op.session}`);

type Days = readonly string[] | undefined;

/** Two ops of one student and session are about the same record unless both days are known and differ. */
function mayShareDay(a: Days, b: Days): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((day) => b.includes(day));
}

export interface SelectOptions {
  /** Most ops to select. */
  max: number;
  /** Seqs of ops already sent and not yet acknowledged. */
  inFlight?: ReadonlySet<number>;
  /** Lanes that wait for now (notes while Save-Data is on). */
  holdLanes?: ReadonlySet<LaneName>;
  /** The school days each op may be filed under (sw/record-days.ts); unknown when absent. */
  daysOf?: (op: LanedOp) => Days;
}

/**
 * Chooses the next ops to send from `queue` (every waiting op, any order), in
 * the order they must be applied: lanes by priority, oldest first within a
 * lane, and never an op ahead of an earlier op of the same record.
 */
export function selectNext<T extends LanedOp>(queue: readonly T[], options: SelectOptions): T[] {
  const inFlight = options.inFlight ?? new Set<number>();
  const hold = options.holdLanes ?? new Set<LaneName>();
  const daysOf = options.daysOf ?? (() => undefined);
  const byLane = new Map<LaneName, T[]>(LANES.map((lane) => [lane, []]));
  // For each student and session, its ops in seq order with their days: the
  // earlier ones of the same day must go before anything later of that day.
  const blockers = new Map<string, { seq: number; days: Days }[]>();
  const daysBySeq = new Map<number, Days>();
  for (const op of [...queue].sort((a, b) => a.seq - b.seq)) {
    const key = recordKey(op);
    const days = daysOf(op);
    daysBySeq.set(op.seq, days);
    const list = blockers.get(key);
    if (list) list.push({ seq: op.seq, days });
    else blockers.set(key, [{ seq: op.seq, days }]);
    if (!inFlight.has(op.seq)) byLane.get(laneOf(op))?.push(op);
  }

  const order = LANES.filter((lane) => !hold.has(lane)).flatMap((lane) => byLane.get(lane) ?? []);
  const selected: T[] = [];
  const chosen = new Set<number>();
  const ready = (op: T): boolean => {
    const days = daysBySeq.get(op.seq);
    for (const earlier of blockers.get(recordKey(op)) ?? []) {
      if (earlier.seq >= op.seq) return true;
      if (!chosen.has(earlier.seq) && mayShareDay(earlier.days, days)) return false;
    }
    return true;
  };
  // Ops skipped because an earlier op of their record had not been chosen yet,
  // by record: choosing that earlier op sends the walk back to them, so a roll
  // mark that waited for its check-in still goes before the notes.
  const skipped = new Map<string, number>();
  for (let i = 0; i < order.length && selected.length < options.max; i++) {
    const op = order[i] as T;
    if (chosen.has(op.seq)) continue;
    const key = recordKey(op);
    if (!ready(op)) {
      if (!skipped.has(key)) skipped.set(key, i);
      continue;
    }
    selected.push(op);
    chosen.add(op.seq);
    const back = skipped.get(key);
    if (back !== undefined && back < i) {
      skipped.delete(key);
      i = back - 1;
    }
  }
  return selected;
}
