import { describe, expect, it } from 'vitest';
import { compareHlc, formatHlc, HLC_ZERO, parseHlc, receiveHlc, tickHlc, type Hlc } from '../../src/shared/hlc.ts';

const h = (wall: number, counter: number): Hlc => ({ wall, counter });

describe('the hybrid logical clock', () => {
  it.each([
    ['follows the wall clock when it moves on', h(1000, 3), 2000, h(2000, 0)],
    ['counts events within the same millisecond', h(1000, 3), 1000, h(1000, 4)],
    ['never goes back when the wall clock does', h(5000, 0), 1000, h(5000, 1)],
    ['borrows the next millisecond rather than overflow its counter', h(1000, 9999), 1000, h(1001, 0)],
  ])('%s', (_name, last, now, expected) => {
    expect(tickHlc(last, now)).toEqual(expected);
  });

  it.each([
    ['takes a remote clock ahead of ours', h(1000, 0), h(3000, 5), 2000, h(3000, 6)],
    ['keeps ours when it is ahead', h(4000, 2), h(3000, 5), 2000, h(4000, 3)],
    ['takes the larger counter when both walls agree', h(3000, 2), h(3000, 7), 1000, h(3000, 8)],
    ['follows the wall clock when it is ahead of both', h(1000, 2), h(1500, 7), 2000, h(2000, 0)],
    ['counts on from ours when the remote is behind and the wall clock too', h(4000, 9), h(1000, 50), 500, h(4000, 10)],
    ['borrows the next millisecond when the remote counter is full', h(3000, 2), h(3000, 9999), 1000, h(3001, 0)],
  ])('on receipt, %s', (_name, last, remote, now, expected) => {
    expect(receiveHlc(last, remote, now)).toEqual(expected);
  });

  it('orders readings as text the way it orders them as clocks', () => {
    const readings = [h(2, 0), h(1_764_057_600_000, 12), h(1_764_057_600_000, 3), h(0, 0), h(1_764_057_600_001, 0)];
    const byText = [...readings].sort((a, b) => formatHlc(a).localeCompare(formatHlc(b)));
    expect(byText).toEqual([...readings].sort(compareHlc));
    expect(formatHlc(h(1_764_057_600_000, 12))).toBe('001764057600000:0012');
    expect(parseHlc('001764057600000:0012')).toEqual(h(1_764_057_600_000, 12));
    expect(formatHlc(HLC_ZERO)).toBe('000000000000000:0000');
  });

  it.each(['1764057600000:12', '', '001764057600000-0012', '001764057600000:00120', '00176405760000a:0012', ' 001764057600000:0012'])(
    'refuses %j, which is not a reading',
    (text) => {
      expect(() => parseHlc(text)).toThrow(expect.objectContaining({ code: 'invalid-body', details: expect.objectContaining({ hlc: text }) }));
    },
  );

  it('keeps every reading it formats exactly through parse and format', () => {
    for (const reading of [HLC_ZERO, h(1_764_057_600_000, 9999), h(10 ** 15 - 1, 0)]) expect(parseHlc(formatHlc(reading))).toEqual(reading);
  });

  it('ticks monotonically through a burst, a clock reset and a full counter', () => {
    let clock = HLC_ZERO;
    const readings: string[] = [];
    for (const now of [1000, 1000, 1000, 400, 2000, 1999]) {
      clock = tickHlc(clock, now);
      readings.push(formatHlc(clock));
    }
    clock = tickHlc({ wall: 2000, counter: 9999 }, 2000);
    readings.push(formatHlc(clock));
    expect(readings).toEqual([...readings].sort());
    expect(new Set(readings).size).toBe(readings.length);
  });
});
