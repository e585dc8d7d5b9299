/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014):
 * the corrected wall time, plus a counter that orders events within one
 * millisecond and never goes backwards when the wall clock does.
 */
import { DoorlineError } from './error-codes.ts';
import { HLC_PATTERN } from './protocol-guards.ts';

export interface Hlc {
  /** Epoch ms on the server's time (the device's clock corrected by its offset). */
  wall: number;
  /** 0–9999: events within the same millisecond. */
  counter: number;
}

export const HLC_ZERO: Hlc = { wall: 0, counter: 0 };
const MAX_COUNTER = 9999;

/** Fixed width, so that comparing the strings compares the clocks. */
export function formatHlc(h: Hlc): string {
  return `${String(h.wall).padStart(15, '0')}:${String(h.counter).padStart(4, '0')}`;
}

export function parseHlc(text: string): Hlc {
  if (!HLC_PATTERN.test(text)) throw new DoorlineError('invalid-body', { hlc: text, problem: 'is not a logical clock reading' });
  const [wall, counter] = text.split(':');
  return { wall: Number(wall), counter: Number(counter) };
}

function bump(wall: number, counter: number): Hlc {
  // Ten thousand events in one millisecond: borrow the next millisecond rather than overflow the format.
  return counter > MAX_COUNTER ? { wall: wall + 1, counter: 0 } : { wall, counter };
}

/** A local event (a mark saved) at wall time `now`. */
export function tickHlc(last: Hlc, now: number): Hlc {
  const wall = Math.max(last.wall, Math.floor(now));
  return bump(wall, wall === last.wall ? last.counter + 1 : 0);
}

/** A clock reading received from elsewhere, merged into ours at wall time `now`. */
export function receiveHlc(last: Hlc, remote: Hlc, now: number): Hlc {
  const wall = Math.max(last.wall, remote.wall, Math.floor(now));
  let counter = 0;
  if (wall === last.wall && wall === remote.wall) counter = Math.max(last.counter, remote.counter) + 1;
  else if (wall === last.wall) counter = last.counter + 1;
  else if (wall === remote.wall) counter = remote.counter + 1;
  return bump(wall, counter);
}

export function compareHlc(a: Hlc, b: Hlc): number {
  return a.wall - b.wall || a.counter - b.counter;
}
