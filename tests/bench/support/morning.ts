/**
 * A school morning at the doors, the same every run for a given seed: every
 * student checks in once at one of the kiosks, a few tap twice, and most
 * arrive in the half hour before the bell.
 */
import type { Op } from '../../../src/shared/protocol.ts';
import { ulid } from '../../../src/shared/ulid.ts';
import { mulberry32 } from '../../../src/shared/seeded-random.ts';

export { mulberry32 };

export interface MorningOptions {
  /** Students '100001', '100002' …, the numbering of the demo school (which has 600). */
  students?: number;
  kiosks?: number;
  seed?: number;
  /** Epoch ms of the first possible arrival; the bell rings 45 minutes later. */
  start?: number;
}

export interface KioskMorning {
  kioskIndex: number;
  /** In time order, seq 1…n. */
  ops: Op[];
}

const FIRST_STUDENT = 100001;
const MINUTE = 60_000;
const DEFAULT_START = Date.parse('2026-11-25T07:15:00Z');
const BELL_AFTER_MS = 45 * MINUTE;
/** Share of students who tap a second time, unsure the first one counted. */
const DOUBLE_TAP_SHARE = 0.05;

/**
 * Milliseconds after `start`: 10% early (07:15–07:30), 80% in the half hour
 * before the bell and thicker as it nears, 10% late and thinning out
 * (08:00–08:15).
 */
function arrivalOffset(random: () => number): number {
  const band = random();
  if (band < 0.1) return random() * 15 * MINUTE;
  if (band < 0.9) return 15 * MINUTE + Math.max(random(), random()) * 30 * MINUTE;
  return BELL_AFTER_MS + random() * random() * 15 * MINUTE;
}

export function realisticMorning(options: MorningOptions = {}): KioskMorning[] {
  const { students = 1500, kiosks = 4, seed = 20261125, start = DEFAULT_START } = options;
  const random = mulberry32(seed);
  const fillRandom = (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  };

  const taps: Array<{ kioskIndex: number; studentId: string; at: number }> = [];
  for (let i = 0; i < students; i++) {
    const studentId = String(FIRST_STUDENT + i);
    const kioskIndex = Math.floor(random() * kiosks);
    const at = start + Math.floor(arrivalOffset(random));
    taps.push({ kioskIndex, studentId, at });
    if (random() < DOUBLE_TAP_SHARE) taps.push({ kioskIndex, studentId, at: at + 1000 + Math.floor(random() * 59_000) });
  }
  taps.sort((a, b) => a.at - b.at);

  return Array.from({ length: kiosks }, (_, kioskIndex) => ({
    kioskIndex,
    ops: taps
      .filter((tap) => tap.kioskIndex === kioskIndex)
      .map((tap, i): Op => ({
        seq: i + 1,
        opId: ulid(tap.at, fillRandom),
        kind: 'check-in',
        studentId: tap.studentId,
        at: tap.at,
        session: 'day',
        base: 0,
      })),
  }));
}
