/**
 * How the processes serving one school tell each other's open streams what
 * happened. A route publishes after its write has committed; every stream of
 * that school, in this process or another, hears it. Delivery is a hint, not
 * a record: a listener that may have missed something is told `gap`, and the
 * stream then sends the page a catch-up.
 */
import type { LiveEvent } from '../../shared/live-events.ts';

export interface EventListener {
  events: (events: readonly LiveEvent[]) => void;
  /** Events may have been lost (the link between processes dropped and came back). */
  gap: () => void;
}

export interface EventBus {
  /** Resolves once the bus hears what other processes publish. */
  start(): Promise<void>;
  /** Never throws and never waits: the write it follows has been answered already. */
  publish(schoolId: string, events: readonly LiveEvent[]): void;
  /** Returns the unsubscribe. */
  subscribe(schoolId: string, listener: EventListener): () => void;
  close(): Promise<void>;
}
