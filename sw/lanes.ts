/**
 * Priority lanes: what is sent first when the link is slow. Roll-call marks,
 * absences and excuses matter most (a child unaccounted for), then door
 * check-ins and check-outs, then notes.
 *
 * Within a device, dependency order always holds: an op is never sent before
 * an earlier op about the same student and session that is still waiting or
 * in flight (so an edit never overtakes what it edits, and a check-out never
 * overtakes its check-in).
 */
import type { OpKind } from '../src/shared/attendance-model.ts';
import type { LaneName } from '../src/shared/worker-messages.ts';

export const LANES: readonly LaneName[] = ['roll', 'door', 'notes'];

export interface LanedOp {
  seq: number;
  kind: OpKind;
  studentId: string;
  session: string;
}

export function laneOf(op: { kind: OpKind }): LaneName {
  if (op.kind === 'status') return 'roll';
  if (op.kind === 'note') return 'notes';
  return 'door';
}

const recordKey = (op: LanedOp): string => `${op.studentId}\u0000${op.session}`;

export interface SelectOptions {
  /** Most ops to select. */
  max: number;
  /** Seqs of ops already sent and not yet acknowledged. */
  inFlight?: ReadonlySet<number>;
  /** Lanes that wait for now (notes while Save-Data is on). */
  holdLanes?: ReadonlySet<LaneName>;
}

/**
 * Chooses the next ops to send from `queue` (every waiting op, any order), in
 * the order they must be applied: lanes by priority, oldest first within a
 * lane, and never an op ahead of an earlier op of the same record.
 */
export function selectNext<T extends LanedOp>(queue: readonly T[], options: SelectOptions): T[] {
  const inFlight = options.inFlight ?? new Set<number>();
  const hold = options.holdLanes ?? new Set<LaneName>();
  const byLane = new Map<LaneName, T[]>(LANES.map((lane) => [lane, []]));
  // For each record, the seqs that must go before anything later of that record.
  const blockers = new Map<string, number[]>();
  for (const op of [...queue].sort((a, b) => a.seq - b.seq)) {
    const key = recordKey(op);
    const list = blockers.get(key);
    if (list) list.push(op.seq);
    else blockers.set(key, [op.seq]);
    if (!inFlight.has(op.seq)) byLane.get(laneOf(op))?.push(op);
  }

  const order = LANES.filter((lane) => !hold.has(lane)).flatMap((lane) => byLane.get(lane) ?? []);
  const selected: T[] = [];
  const chosen = new Set<number>();
  const ready = (op: T): boolean => {
    for (const seq of blockers.get(recordKey(op)) ?? []) {
      if (seq >= op.seq) return true;
      if (!chosen.has(seq)) return false;
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
