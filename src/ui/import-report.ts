/** What importing a kiosk's file did, counted from the server's receipts and said in words. */
import type { OpErrorCode } from '../shared/error-codes.ts';
import type { ReceiptRun } from '../shared/protocol.ts';
import { REFUSAL_WORDS } from './staff-errors.ts';

export interface ImportCounts {
  /** Applied or merged: now on the server. */
  imported: number;
  /** Already on the server from an earlier send or import. */
  already: number;
  /** Disagreed with the server: a conflict is open for the office. */
  opened: number;
  refused: number;
  refusedFor: Partial<Record<OpErrorCode, number>>;
}

export function countReceipts(receipts: readonly ReceiptRun[]): ImportCounts {
  const counts: ImportCounts = { imported: 0, already: 0, opened: 0, refused: 0, refusedFor: {} };
  for (const run of receipts) {
    if (run.status === 'duplicate') counts.already += run.n;
    else if (run.status === 'conflict') counts.opened += run.n;
    else if (run.status === 'rejected') {
      counts.refused += run.n;
      counts.refusedFor[run.code] = (counts.refusedFor[run.code] ?? 0) + run.n;
    } else counts.imported += run.n;
  }
  return counts;
}

const n = (count: number): string => count.toLocaleString('en');

/** "412 check-ins imported, 3 already here, 1 refused because the student is not on the school's roster. …" */
export function importReport(counts: ImportCounts): string {
  const total = counts.imported + counts.already + counts.opened + counts.refused;
  if (total === 0) return 'The file holds no check-ins: nothing to import.';
  const parts = [`${n(counts.imported)} check-${counts.imported === 1 ? 'in' : 'ins'} imported`];
  if (counts.already > 0) parts.push(`${n(counts.already)} already here`);
  if (counts.opened > 0) parts.push(`${n(counts.opened)} opened for the office`);
  if (counts.refused > 0) {
    const why = Object.entries(counts.refusedFor).map(([code, count]) => ({ count, words: REFUSAL_WORDS[code as OpErrorCode] ?? code }));
    const only = why.length === 1 ? why[0] : undefined;
    parts.push(
      only
        ? `${n(counts.refused)} refused because ${only.words}`
        : `${n(counts.refused)} refused (${why.map((w) => `${n(w.count)} because ${w.words}`).join('; ')})`,
    );
  }
  return `${parts.join(', ')}. Importing the same file again is safe: nothing is counted twice.`;
}
