/** Receipts travel as runs: a batch of 1,500 applied ops is acknowledged in a dozen bytes. */
import type { Receipt, ReceiptRun } from './protocol.ts';

function sameReceipt(a: Receipt, b: Receipt): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function toRuns(receipts: readonly Receipt[]): ReceiptRun[] {
  const runs: ReceiptRun[] = [];
  for (const receipt of receipts) {
    const last = runs.at(-1);
    if (last && sameReceipt(withoutCount(last), receipt)) last.n++;
    else runs.push({ ...receipt, n: 1 });
  }
  return runs;
}

export function fromRuns(runs: readonly ReceiptRun[]): Receipt[] {
  return runs.flatMap((run) => Array.from({ length: run.n }, () => withoutCount(run)));
}

function withoutCount(run: ReceiptRun): Receipt {
  const { n: _n, ...receipt } = run;
  return receipt;
}

/** Whether an op with this receipt is settled for good (kept on the device only as a dead letter). */
export function finalOutcome(receipt: Receipt) {
  return receipt.status === 'duplicate' ? receipt.original : receipt;
}
