import { describe, expect, it } from 'vitest';
import { countReceipts, importReport } from '../../src/ui/import-report.ts';

describe('what an import did', () => {
  it('counts each check-in by what became of it', () => {
    const counts = countReceipts([
      { status: 'applied', n: 410 },
      { status: 'merged', rule: 'door-evidence', n: 2 },
      { status: 'duplicate', original: { status: 'applied' }, n: 3 },
      { status: 'conflict', conflictId: 'c1', n: 1 },
      { status: 'rejected', code: 'unknown-student', n: 1 },
    ]);
    expect(counts).toEqual({ imported: 412, already: 3, opened: 1, refused: 1, refusedFor: { 'unknown-student': 1 } });
  });

  it('says it the way the office reads it', () => {
    expect(
      importReport(
        countReceipts([
          { status: 'applied', n: 412 },
          { status: 'duplicate', original: { status: 'applied' }, n: 3 },
          { status: 'rejected', code: 'unknown-student', n: 1 },
        ]),
      ),
    ).toBe(
      "412 check-ins imported, 3 already here, 1 refused because the student is not on the school's roster. Importing the same file again is safe: nothing is counted twice.",
    );
  });

  it('says a second import of the same file found everything already here', () => {
    expect(importReport(countReceipts([{ status: 'duplicate', original: { status: 'applied' }, n: 3 }]))).toBe(
      '0 check-ins imported, 3 already here. Importing the same file again is safe: nothing is counted twice.',
    );
  });

  it('names each reason when check-ins were refused for several', () => {
    const words = importReport(
      countReceipts([
        { status: 'applied', n: 1 },
        { status: 'rejected', code: 'unknown-student', n: 2 },
        { status: 'rejected', code: 'time-out-of-range', n: 1 },
      ]),
    );
    expect(words).toBe(
      "1 check-in imported, 3 refused (2 because the student is not on the school's roster; 1 because the device's clock was far wrong). Importing the same file again is safe: nothing is counted twice.",
    );
  });

  it('says when there was nothing in the file', () => {
    expect(importReport(countReceipts([]))).toBe('The file holds no check-ins: nothing to import.');
  });
});
