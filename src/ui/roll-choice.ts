/** The homeroom and session last opened on this device, so the roll reopens where the teacher left it. */
import { SESSION_PATTERN } from '../shared/protocol-guards.ts';
import { DAY_SESSION } from '../shared/attendance-model.ts';

export interface RollChoice {
  /** Null lets the roll pick the first homeroom. */
  group: string | null;
  session: string;
}

const KEY = 'doorline.roll';
const FIRST_VISIT: RollChoice = { group: null, session: DAY_SESSION };

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export function readRollChoice(store: Store): RollChoice {
  try {
    const value: unknown = JSON.parse(store.getItem(KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return FIRST_VISIT;
    const { group, session } = value as { group?: unknown; session?: unknown };
    return {
      group: typeof group === 'string' && group !== '' && group.length <= 64 ? group : null,
      session: typeof session === 'string' && session.length <= 32 && SESSION_PATTERN.test(session) ? session : DAY_SESSION,
    };
  } catch {
    return FIRST_VISIT;
  }
}

export function saveRollChoice(store: Store, choice: RollChoice): void {
  try {
    store.setItem(KEY, JSON.stringify(choice));
  } catch {
    // Storage blocked: the roll opens on the first homeroom next time.
  }
}

export function rollPath(choice: RollChoice): string {
  const query = new URLSearchParams({ session: choice.session });
  if (choice.group !== null) query.set('group', choice.group);
  return `/api/roll?${query}`;
}
