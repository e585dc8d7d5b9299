/**
 * A 0–100 score for the link the outbox drains over, for the status shown to
 * people and for holding back low-priority lanes. Measured round trip and
 * goodput come first; navigator.connection (Chromium only, coarse, and about
 * the download direction) fills in only what was not measured.
 */
import type { NetworkQualityReport } from '../src/shared/worker-messages.ts';

export interface ConnectionHints {
  /** navigator.connection.effectiveType: 'slow-2g' | '2g' | '3g' | '4g'. */
  effectiveType?: string;
  /** Milliseconds, rounded by the browser. */
  rtt?: number;
  /** Megabits per second, capped by the browser. */
  downlink?: number;
  saveData?: boolean;
}

export interface NetworkQualityInput {
  rttMs: number | null;
  goodputBytesPerSec: number | null;
  /** Failed requests in a row, reset by a success. */
  recentFailures: number;
  connection?: ConnectionHints;
}

/** This many failures in a row and the link is treated as gone, whatever was measured before. */
export const OFFLINE_AFTER_FAILURES = 3;

/**
 * What each effective type stands for: the thresholds Chromium's network
 * quality estimator uses to pick it
 * (https://wicg.github.io/netinfo/#effective-connection-types).
 */
const EFFECTIVE_TYPES: Record<string, { rttMs: number; kbps: number }> = {
  'slow-2g': { rttMs: 2000, kbps: 50 },
  '2g': { rttMs: 1400, kbps: 70 },
  '3g': { rttMs: 270, kbps: 700 },
  '4g': { rttMs: 100, kbps: 2000 },
};

/**
 * Both scales are logarithmic: halving the round trip or doubling the goodput
 * feels the same whether the link is slow or fast. Goodput runs from 1 KB/s
 * (0) to 256 KB/s (100), so Doorline's slowest served link (64 kbit/s,
 * 8 KB/s) lands at 37; round trip from 50 ms (100) to 2 s (0).
 */
const GOODPUT_FLOOR = 1024;
const GOODPUT_FULL = 256 * 1024;
const RTT_FULL_MS = 50;
const RTT_FLOOR_MS = 2000;
/** Goodput decides how long a drain takes; the round trip matters less once chunks are sized to hide it. */
const GOODPUT_WEIGHT = 0.6;
const GOOD_FROM = 70;
const FAIR_FROM = 40;
/** With nothing measured and no hints, say neither good nor bad. */
const UNKNOWN_SCORE = 50;

export function networkQuality(input: NetworkQualityInput): NetworkQualityReport {
  const saveData = input.connection?.saveData === true;
  if (input.recentFailures >= OFFLINE_AFTER_FAILURES) return { score: 0, label: 'offline', saveData };

  const hints = input.connection;
  const typical = hints?.effectiveType === undefined ? undefined : EFFECTIVE_TYPES[hints.effectiveType];
  // Chromium reports 0 for an rtt or downlink it does not know (and while offline): not a measurement.
  const rttMs = positive(input.rttMs) ?? positive(hints?.rtt) ?? typical?.rttMs ?? null;
  const kbps = positive(hints?.downlink === undefined ? null : hints.downlink * 1000) ?? typical?.kbps ?? null;
  const goodput = positive(input.goodputBytesPerSec) ?? (kbps === null ? null : (kbps * 1000) / 8);

  const parts: Array<{ score: number; weight: number }> = [];
  if (goodput !== null) parts.push({ score: logScale(goodput, GOODPUT_FLOOR, GOODPUT_FULL), weight: GOODPUT_WEIGHT });
  if (rttMs !== null) parts.push({ score: logScale(rttMs, RTT_FLOOR_MS, RTT_FULL_MS), weight: 1 - GOODPUT_WEIGHT });

  const weights = parts.reduce((sum, part) => sum + part.weight, 0);
  const base = parts.length === 0 ? UNKNOWN_SCORE : parts.reduce((sum, part) => sum + part.score * part.weight, 0) / weights;
  // Each recent failure halves the score; a link that is there at all never reads 0, which means offline.
  const score = Math.max(1, Math.round(base / 2 ** Math.max(0, input.recentFailures)));
  return { score, label: score >= GOOD_FROM ? 'good' : score >= FAIR_FROM ? 'fair' : 'poor', saveData };
}

function positive(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}

/** 0 at `floor`, 100 at `full` (either may be the larger), logarithmic between, clamped. */
function logScale(value: number, floor: number, full: number): number {
  const share = Math.log(value / floor) / Math.log(full / floor);
  return 100 * Math.min(1, Math.max(0, share));
}
