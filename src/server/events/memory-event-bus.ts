/** The event bus of a single process (SQLite): publishing is handing over. */
import type { LiveEvent } from '../../shared/live-events.ts';
import type { EventBus, EventListener } from './event-bus.ts';

export class MemoryEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<EventListener>>();

  async start(): Promise<void> {}

  publish(schoolId: string, events: readonly LiveEvent[]): void {
    if (events.length > 0) this.deliver(schoolId, events);
  }

  subscribe(schoolId: string, listener: EventListener): () => void {
    let set = this.listeners.get(schoolId);
    if (!set) this.listeners.set(schoolId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(schoolId) === set) this.listeners.delete(schoolId);
    };
  }

  /** Hands events to this process's listeners of one school; one failing listener does not starve the rest. */
  deliver(schoolId: string, events: readonly LiveEvent[]): void {
    for (const listener of [...(this.listeners.get(schoolId) ?? [])]) {
      try {
        listener.events(events);
      } catch {
        // A stream that broke is cleaned up by its own close handler.
      }
    }
  }

  /** Tells every listener in this process that events may have been lost. */
  gapForAll(): void {
    for (const set of this.listeners.values())
      for (const listener of [...set]) {
        try {
          listener.gap();
        } catch {
          // As in deliver.
        }
      }
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
