import { describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../src/server/events/memory-event-bus.ts';
import type { LiveEvent } from '../../src/shared/live-events.ts';

const changed = (seq: number): LiveEvent => ({ v: 1, kind: 'records-changed', seq });

describe('the in-memory event bus', () => {
  it("hands a school's events to that school's listeners only", async () => {
    const bus = new MemoryEventBus();
    await bus.start();
    const heard: Array<[string, readonly LiveEvent[]]> = [];
    bus.subscribe('north', { events: (events) => heard.push(['north', events]), gap: () => undefined });
    bus.subscribe('south', { events: (events) => heard.push(['south', events]), gap: () => undefined });
    bus.publish('north', [changed(3)]);
    bus.publish('nowhere', [changed(9)]);
    expect(heard).toEqual([['north', [changed(3)]]]);
  });

  it('stops telling a listener once it unsubscribes', () => {
    const bus = new MemoryEventBus();
    const heard: number[] = [];
    const stop = bus.subscribe('north', { events: (events) => heard.push(events.length), gap: () => undefined });
    bus.publish('north', [changed(1)]);
    stop();
    bus.publish('north', [changed(2)]);
    expect(heard).toEqual([1]);
  });

  it('still tells the other listeners when one of them throws', () => {
    const bus = new MemoryEventBus();
    const heard: number[] = [];
    bus.subscribe('north', {
      events: () => {
        throw new Error('a closed stream');
      },
      gap: () => undefined,
    });
    bus.subscribe('north', { events: (events) => heard.push(events.length), gap: () => undefined });
    bus.publish('north', [changed(1), changed(2)]);
    expect(heard).toEqual([2]);
  });

  it('publishes nothing when there is nothing to say', () => {
    const bus = new MemoryEventBus();
    let calls = 0;
    bus.subscribe('north', { events: () => calls++, gap: () => undefined });
    bus.publish('north', []);
    expect(calls).toBe(0);
  });

  it('drops its listeners and refuses no publish once closed', async () => {
    const bus = new MemoryEventBus();
    let calls = 0;
    bus.subscribe('north', { events: () => calls++, gap: () => undefined });
    await bus.close();
    bus.publish('north', [changed(1)]);
    expect(calls).toBe(0);
  });
});
