/**
 * What `GET /api/events` announces: small messages that tell a page what to
 * pull. The change feed and the office's endpoints stay the source of truth;
 * an event carries only the school's newest change-feed number (`seq`, also
 * the stream's event id) or the device that changed.
 *
 * ready: the stream is open and the page is up to date as of `seq`.
 * catch-up: the page missed events (it came back with an older id, or the
 *   server lost touch with the other processes for a moment): pull everything shown.
 * records-changed, conflicts-opened, conflicts-resolved, roster-changed: pull that.
 * settings-changed: the school's settings changed; read the school's configuration again.
 * devices-changed: a device was seen, paired or unpaired.
 *
 * Pages read these leniently: a kind they do not know is passed over, so a
 * newer server may add kinds and fields without breaking them.
 */
export const LIVE_EVENTS_VERSION = 1;

type Seq = { v: typeof LIVE_EVENTS_VERSION; seq: number };

export type LiveEvent =
  | (Seq & { kind: 'ready' | 'catch-up' | 'records-changed' | 'roster-changed' | 'settings-changed' })
  | (Seq & { kind: 'conflicts-opened' | 'conflicts-resolved'; count: number })
  | { v: typeof LIVE_EVENTS_VERSION; kind: 'devices-changed'; deviceId: string };

export type LiveEventKind = LiveEvent['kind'];

const SEQ_KINDS = ['ready', 'catch-up', 'records-changed', 'roster-changed', 'settings-changed'] as const;
const COUNT_KINDS = ['conflicts-opened', 'conflicts-resolved'] as const;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** One event as a newer server may have sent it, or null when it is not one this reader knows. */
export function readLiveEvent(value: unknown): LiveEvent | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const event = value as Record<string, unknown>;
  if (event.v !== LIVE_EVENTS_VERSION) return null;
  const v = LIVE_EVENTS_VERSION;
  const kind = event.kind;
  if ((SEQ_KINDS as readonly unknown[]).includes(kind))
    return isCount(event.seq) ? { v, kind: kind as (typeof SEQ_KINDS)[number], seq: event.seq } : null;
  if ((COUNT_KINDS as readonly unknown[]).includes(kind))
    return isCount(event.seq) && isCount(event.count)
      ? { v, kind: kind as (typeof COUNT_KINDS)[number], seq: event.seq, count: event.count }
      : null;
  if (kind === 'devices-changed')
    return typeof event.deviceId === 'string' && event.deviceId.length > 0 && event.deviceId.length <= 64
      ? { v, kind, deviceId: event.deviceId }
      : null;
  return null;
}

/** The events of a list this reader knows, in order; anything else reads as none. */
export function readLiveEvents(value: unknown): LiveEvent[] {
  if (!Array.isArray(value)) return [];
  return value.map(readLiveEvent).filter((event): event is LiveEvent => event !== null);
}
