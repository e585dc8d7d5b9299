import { describe, expect, it } from 'vitest';
import type { RollCallState } from '../../src/shared/roll-call.ts';
import { rememberedRollCall, rememberRollCall } from '../../src/ui/roll-call-memory.ts';
import { countsText, foundText, lastText, runningForText, stateText } from '../../src/ui/roll-call-text.ts';

function memory() {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

const T0 = Date.parse('2026-11-24T10:02:00Z');
const running: RollCallState = { id: null, date: '2026-11-24', startedAt: T0, endedAt: null, found: { '100001': T0 + 60_000 } };

describe("this browser's copy of the roll call", () => {
  it("keeps today's roll call for its school, and none of another day or school", () => {
    const store = memory();
    rememberRollCall(store, 'Riverside', running);
    expect(rememberedRollCall(store, 'Riverside', '2026-11-24')).toEqual(running);
    expect(rememberedRollCall(store, 'Riverside', '2026-11-25')).toBeNull();
    expect(rememberedRollCall(store, 'Hillside', '2026-11-24')).toBeNull();
  });

  it('reads a copy it cannot make sense of as none', () => {
    const store = memory();
    for (const bad of ['not json', '{"school":"Riverside","state":{"date":"2026-11-24","startedAt":"10:02","found":{}}}', 'null']) {
      store.items.set('doorline.roll-call', bad);
      expect(rememberedRollCall(store, 'Riverside', '2026-11-24')).toBeNull();
    }
  });

  it('keeps the copy it has when there is no roll call to keep', () => {
    const store = memory();
    rememberRollCall(store, 'Riverside', running);
    rememberRollCall(store, 'Riverside', null);
    expect(rememberedRollCall(store, 'Riverside', '2026-11-24')).toEqual(running);
  });
});

describe("the roll call's words", () => {
  const zone = 'Europe/London';
  it('says whether one runs, since when, and whether the server has heard of it', () => {
    expect(stateText(null, zone)).toBe('No roll call is running today.');
    expect(stateText(running, zone)).toBe(
      'Running since 10:02 — started on this device, sent once the network is back. Tick each student as they are found at the muster point.',
    );
    expect(stateText({ ...running, id: 'rc-1' }, zone)).toBe(
      'Running since 10:02. Tick each student as they are found at the muster point.',
    );
    expect(stateText({ ...running, endedAt: T0 + 18 * 60_000 }, zone)).toBe('The roll call of 10:02 ended at 10:20.');
  });

  it('counts, times, and tells who was still missing at the end', () => {
    expect(countsText(1, 3)).toEqual({ found: '1 found', missing: '3 still missing' });
    expect(runningForText(T0, T0 + 65_000)).toBe('running for 1 min 05 s');
    const ended = { ...running, endedAt: T0 + 12 * 60_000 };
    expect(lastText(ended, [])).toBe('It ran 12 min 00 s; everyone on the list was found.');
    expect(lastText(ended, [{ studentId: '2', name: 'Bea', homeroom: '7A', foundAt: null }])).toBe(
      'It ran 12 min 00 s; 1 student was still missing when it ended:',
    );
    expect(foundText({ studentId: '1', name: 'Ada', homeroom: '7A', foundAt: T0 }, zone)).toBe('Found 10:02');
    expect(foundText({ studentId: '1', name: 'Ada', homeroom: '7A', foundAt: null }, zone)).toBe('Found');
  });
});
