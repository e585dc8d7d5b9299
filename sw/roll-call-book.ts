/**
 * Today's emergency roll call as this device knows it: the server's word on
 * it (the change feed) and this device's own start, ticks and end, applied
 * the moment they are saved, offline too. Ticks only ever add (the earliest
 * stands), so the two merge by union whatever arrives first; the rules are
 * src/shared/roll-call.ts. It is kept under the meta store's 'roll-call' key.
 */
import { DAY_SESSION } from '../src/shared/attendance-model.ts';
import { PROTOCOL_VERSION, type Change } from '../src/shared/protocol.ts';
import { absorbRollCall, isOnSite, withFound, type RollCallDay, type RollCallState } from '../src/shared/roll-call.ts';
import type { OutboxOp } from './outbox-db.ts';
import type { WorkerStores } from './worker-stores.ts';

/** What this version wrote: an entry of another shape (or of another day) is no roll call of today. */
function stateOf(value: unknown, today: string): RollCallState | null {
  const s = value as Partial<RollCallState> | null;
  return typeof s === 'object' && s !== null && s.date === today && typeof s.startedAt === 'number' && typeof s.found === 'object'
    ? (s as RollCallState)
    : null;
}

export class RollCallBook {
  constructor(private readonly stores: Pick<WorkerStores, 'meta' | 'roster' | 'records'>) {}

  private async current(today: string): Promise<RollCallState | null> {
    return stateOf(await this.stores.meta.get('roll-call'), today);
  }

  /** A roll-call op this device just saved; inside the save's transaction (the meta store is part of it). */
  async applyOwn(op: OutboxOp, at: number, today: string): Promise<void> {
    let s = await this.current(today);
    if (op.kind === 'roll-call-start') {
      // Started while one runs: the same roll call (the server joins them too).
      if (!s || s.endedAt !== null) s = { id: null, date: today, startedAt: at, endedAt: null, found: {} };
    } else if (!s) return;
    else if (op.kind === 'roll-call-found') s = { ...s, found: withFound(s.found, op.studentId, at) };
    else s = { ...s, endedAt: s.endedAt ?? at };
    await this.stores.meta.set('roll-call', s);
  }

  /** The feed's roll-call changes; how many changed what this device shows. */
  async absorb(changes: readonly Change[], today: string): Promise<number> {
    let s = await this.current(today);
    let changed = 0;
    for (const c of changes) {
      if (c.kind === 'roll-call' && c.date === today) s = absorbRollCall(s, c);
      else if (c.kind === 'roll-call-found' && s?.id === c.rollCallId) s = { ...s, found: withFound(s.found, c.studentId, c.at) };
      else continue;
      changed++;
    }
    if (changed > 0) await this.stores.meta.set('roll-call', s);
    return changed;
  }

  /** `GET /api/roll-call` from this device's copy of today. */
  async day(today: string): Promise<RollCallDay> {
    const [rollCall, roster, records] = await Promise.all([
      this.current(today),
      this.stores.roster.all(),
      this.stores.records.ofDay(today, DAY_SESSION),
    ]);
    return {
      v: PROTOCOL_VERSION,
      type: 'roll-call-day',
      date: today,
      rollCall,
      students: roster,
      onSite: records.filter(isOnSite).map((r) => r.studentId),
      source: 'device',
    };
  }
}
