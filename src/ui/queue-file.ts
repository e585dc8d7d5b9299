/**
 * Reads a file a revoked kiosk saved ("Save the waiting check-ins as a
 * file") before the office imports it. Only the envelope is checked here;
 * the server checks every check-in in it as it would a sync batch.
 */
import type { QueueExport } from '../shared/account-protocol.ts';
import { dateTimeText } from './format-time.ts';

export type QueueFile = { ok: true; body: unknown; description: string } | { ok: false; problem: string };

const NOT_A_QUEUE = "This file is not a kiosk's saved check-ins. Choose the file the kiosk saved (it ends in .json).";

export function readQueueFile(text: string, timeZone: string, now: number): QueueFile {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: `${NOT_A_QUEUE} It could not be read: it may be damaged or cut short.` };
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { type?: unknown }).type !== 'queue-export' ||
    !Array.isArray((body as { ops?: unknown }).ops)
  ) {
    return { ok: false, problem: NOT_A_QUEUE };
  }
  const file = body as Partial<QueueExport> & { ops: unknown[] };
  const count = `${file.ops.length.toLocaleString('en')} check-${file.ops.length === 1 ? 'in' : 'ins'}`;
  const from = typeof file.kioskName === 'string' && file.kioskName !== '' ? `From “${file.kioskName}”` : 'From a kiosk';
  const saved =
    typeof file.exportedAt === 'number' && Number.isFinite(file.exportedAt)
      ? `, saved ${dateTimeText(file.exportedAt, timeZone, now)}`
      : '';
  return { ok: true, body, description: `${from}${saved}: ${count}.` };
}
