import { describe, expect, it } from 'vitest';
import type { NetworkQualityReport } from '../../src/shared/worker-messages.ts';
import { networkQuality, type NetworkQualityInput } from '../../sw/network-quality.ts';

const nothingMeasured = { rttMs: null, goodputBytesPerSec: null, recentFailures: 0 };

describe('network quality', () => {
  it.each<{ name: string; input: NetworkQualityInput; expected: NetworkQualityReport }>([
    {
      name: 'rates the slowest link Doorline serves (64 kbit/s, 800 ms) poor',
      input: { rttMs: 800, goodputBytesPerSec: 8_000, recentFailures: 0 },
      expected: { score: 32, label: 'poor', saveData: false },
    },
    {
      name: 'rates a 256 kbit/s link with 400 ms round trips fair',
      input: { rttMs: 400, goodputBytesPerSec: 32_000, recentFailures: 0 },
      expected: { score: 55, label: 'fair', saveData: false },
    },
    {
      name: 'rates a fast school network good',
      input: { rttMs: 30, goodputBytesPerSec: 1_000_000, recentFailures: 0 },
      expected: { score: 100, label: 'good', saveData: false },
    },
    {
      name: 'halves the score for a recent failure',
      input: { rttMs: 400, goodputBytesPerSec: 32_000, recentFailures: 1 },
      expected: { score: 27, label: 'poor', saveData: false },
    },
    {
      name: 'calls the link offline after three failures in a row, whatever was measured',
      input: { rttMs: 30, goodputBytesPerSec: 1_000_000, recentFailures: 3 },
      expected: { score: 0, label: 'offline', saveData: false },
    },
    {
      name: 'scores a measured round trip alone when goodput is not yet known',
      input: { rttMs: 400, goodputBytesPerSec: null, recentFailures: 0 },
      expected: { score: 44, label: 'fair', saveData: false },
    },
    {
      name: 'falls back on the effective type when nothing is measured (2g)',
      input: { ...nothingMeasured, connection: { effectiveType: '2g' } },
      expected: { score: 27, label: 'poor', saveData: false },
    },
    {
      name: 'falls back on the effective type when nothing is measured (4g)',
      input: { ...nothingMeasured, connection: { effectiveType: '4g' } },
      expected: { score: 92, label: 'good', saveData: false },
    },
    {
      name: "prefers the browser's rtt and downlink over its effective type",
      input: { ...nothingMeasured, connection: { effectiveType: '4g', rtt: 800, downlink: 0.064 } },
      expected: { score: 32, label: 'poor', saveData: false },
    },
    {
      name: "prefers what was measured over the browser's hints",
      input: { rttMs: 400, goodputBytesPerSec: 32_000, recentFailures: 0, connection: { effectiveType: '4g', rtt: 50, downlink: 10 } },
      expected: { score: 55, label: 'fair', saveData: false },
    },
    {
      name: "treats the browser's zero rtt and downlink as unknown",
      input: { ...nothingMeasured, connection: { rtt: 0, downlink: 0 } },
      expected: { score: 50, label: 'fair', saveData: false },
    },
    {
      name: 'says fair, neither good nor bad, when nothing is known',
      input: nothingMeasured,
      expected: { score: 50, label: 'fair', saveData: false },
    },
    {
      name: 'ignores an effective type it does not know',
      input: { ...nothingMeasured, connection: { effectiveType: 'wifi' } },
      expected: { score: 50, label: 'fair', saveData: false },
    },
    {
      name: 'passes Save-Data through',
      input: { rttMs: 400, goodputBytesPerSec: 32_000, recentFailures: 0, connection: { saveData: true } },
      expected: { score: 55, label: 'fair', saveData: true },
    },
    {
      name: 'passes Save-Data through while offline',
      input: { ...nothingMeasured, recentFailures: 5, connection: { saveData: true } },
      expected: { score: 0, label: 'offline', saveData: true },
    },
    {
      name: 'never reads 0 for a link that is there, however poor',
      input: { rttMs: 5_000, goodputBytesPerSec: 100, recentFailures: 2 },
      expected: { score: 1, label: 'poor', saveData: false },
    },
  ])('$name', ({ input, expected }) => {
    expect(networkQuality(input)).toEqual(expected);
  });
});
