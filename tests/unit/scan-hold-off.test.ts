import { describe, expect, it } from 'vitest';
import { ScanHoldOff } from '../../src/ui/scan-hold-off.ts';

/** Sightings as [ms, code]; what was let through as check-ins. */
function run(sightings: Array<[number, string]>, holdOffMs = 4000): Array<[number, string]> {
  const holdOff = new ScanHoldOff(holdOffMs);
  return sightings.filter(([at, code]) => holdOff.accept(code, at));
}

describe('ScanHoldOff', () => {
  it.each<[string, Array<[number, string]>, Array<[number, string]>]>([
    ['takes the first sighting of a card', [[0, '100001']], [[0, '100001']]],
    [
      'takes a card held up for ten seconds once',
      Array.from({ length: 50 }, (_, i): [number, string] => [i * 200, '100001']),
      [[0, '100001']],
    ],
    [
      'takes another card at once',
      [
        [0, '100001'],
        [300, '100002'],
      ],
      [
        [0, '100001'],
        [300, '100002'],
      ],
    ],
    [
      'takes the same card again once it was out of view for the hold-off',
      [
        [0, '100001'],
        [200, '100001'],
        [4200, '100001'],
      ],
      [
        [0, '100001'],
        [4200, '100001'],
      ],
    ],
    [
      'does not take the same card back within the hold-off',
      [
        [0, '100001'],
        [3999, '100001'],
      ],
      [[0, '100001']],
    ],
    [
      'takes a card again after another was checked in between',
      [
        [0, '100001'],
        [500, '100002'],
        [1000, '100001'],
      ],
      [
        [0, '100001'],
        [500, '100002'],
        [1000, '100001'],
      ],
    ],
  ])('%s', (_name, sightings, taken) => {
    expect(run(sightings)).toEqual(taken);
  });
});
