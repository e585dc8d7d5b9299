import { describe, expect, it } from 'vitest';
import { readRollChoice, rollPath, saveRollChoice } from '../../src/ui/roll-choice.ts';

function memory(initial?: string) {
  const items = new Map<string, string>(initial === undefined ? [] : [['doorline.roll', initial]]);
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

describe('the roll’s remembered homeroom and session', () => {
  it('opens on the first homeroom and the whole day the first time', () => {
    expect(readRollChoice(memory())).toEqual({ group: null, session: 'day' });
  });

  it('reopens where the teacher left it', () => {
    const store = memory();
    saveRollChoice(store, { group: '7B', session: 'P3' });
    expect(readRollChoice(store)).toEqual({ group: '7B', session: 'P3' });
  });

  it.each([['not json'], ['null'], ['[1]'], ['{"group":42,"session":"P3"}'], ['{"group":"7B","session":"../x"}']])(
    'survives what it cannot read: %s',
    (stored) => {
      const choice = readRollChoice(memory(stored));
      expect(typeof choice.session).toBe('string');
      expect(choice.group === null || typeof choice.group === 'string').toBe(true);
      expect(['day', 'P3']).toContain(choice.session);
    },
  );

  it('asks for the roll of the choice, leaving the homeroom out when none was chosen', () => {
    expect(rollPath({ group: null, session: 'day' })).toBe('/api/roll?session=day');
    expect(rollPath({ group: '10 A&B', session: 'P1' })).toBe('/api/roll?session=P1&group=10+A%26B');
  });
});
