import { describe, expect, it } from 'vitest';
import { LIVE_EVENTS_VERSION, readLiveEvent, readLiveEvents } from '../../src/shared/live-events.ts';

describe('reading a live event', () => {
  it.each([
    [{ v: 1, kind: 'ready', seq: 12 }],
    [{ v: 1, kind: 'catch-up', seq: 40 }],
    [{ v: 1, kind: 'records-changed', seq: 7 }],
    [{ v: 1, kind: 'conflicts-opened', seq: 8, count: 2 }],
    [{ v: 1, kind: 'conflicts-resolved', seq: 9, count: 1 }],
    [{ v: 1, kind: 'roster-changed', seq: 10 }],
    [{ v: 1, kind: 'devices-changed', deviceId: 'abc' }],
  ])('takes %j as it was written', (event) => {
    expect(readLiveEvent(event)).toEqual(event);
  });

  it('keeps an event a newer server sent with a field it does not know, without the field', () => {
    expect(readLiveEvent({ v: 1, kind: 'records-changed', seq: 3, students: ['1001'] })).toEqual({
      v: 1,
      kind: 'records-changed',
      seq: 3,
    });
  });

  it.each([
    ['a kind it does not know', { v: 1, kind: 'weather', seq: 1 }],
    ['another version', { v: 2, kind: 'records-changed', seq: 1 }],
    ['a seq that is not a whole number', { v: 1, kind: 'records-changed', seq: 1.5 }],
    ['a negative seq', { v: 1, kind: 'ready', seq: -1 }],
    ['a missing count', { v: 1, kind: 'conflicts-opened', seq: 1 }],
    ['a device without an id', { v: 1, kind: 'devices-changed' }],
    ['an array', [1, 2]],
    ['text', 'records-changed'],
    ['null', null],
  ])('passes over %s', (_, value) => {
    expect(readLiveEvent(value)).toBeNull();
  });

  it('reads a list leniently: the events it knows, in order', () => {
    expect(
      readLiveEvents([
        { v: LIVE_EVENTS_VERSION, kind: 'records-changed', seq: 4 },
        { v: LIVE_EVENTS_VERSION, kind: 'snow-day' },
        { v: LIVE_EVENTS_VERSION, kind: 'conflicts-opened', seq: 5, count: 1 },
      ]),
    ).toEqual([
      { v: 1, kind: 'records-changed', seq: 4 },
      { v: 1, kind: 'conflicts-opened', seq: 5, count: 1 },
    ]);
    expect(readLiveEvents({ kind: 'records-changed' })).toEqual([]);
  });
});
