import { describe, expect, it } from 'vitest';
import {
  CARD_HEIGHT_MM,
  CARD_WIDTH_MM,
  GAP_MM,
  MIN_MARGIN_MM,
  PAPERS,
  cardCode,
  sheetLayout,
  sheetSummary,
  sheetsOf,
  type Paper,
} from '../../src/ui/card-sheet.ts';

describe('sheetLayout', () => {
  it.each([
    ['a4', 2, 5, 10],
    ['letter', 2, 4, 8],
  ] as const)('lays %s out as %i columns by %i rows: %i cards a sheet', (paper, columns, rows, perSheet) => {
    expect(sheetLayout(paper)).toMatchObject({ paper, columns, rows, perSheet });
  });

  it.each(['a4', 'letter'] as Paper[])('keeps every card on a %s sheet, inside the printable margin, centred', (paper) => {
    const layout = sheetLayout(paper);
    const { widthMm, heightMm } = PAPERS[paper];
    const usedX = layout.columns * CARD_WIDTH_MM + (layout.columns - 1) * GAP_MM;
    const usedY = layout.rows * CARD_HEIGHT_MM + (layout.rows - 1) * GAP_MM;
    expect(layout.marginXMm).toBeGreaterThanOrEqual(MIN_MARGIN_MM);
    expect(layout.marginYMm).toBeGreaterThanOrEqual(MIN_MARGIN_MM);
    expect(2 * layout.marginXMm + usedX).toBeCloseTo(widthMm, 1);
    expect(2 * layout.marginYMm + usedY).toBeCloseTo(heightMm, 1);
  });
});

describe('sheetsOf', () => {
  it.each([
    [0, []],
    [1, [1]],
    [10, [10]],
    [11, [10, 1]],
    [25, [10, 10, 5]],
  ])('puts %i A4 cards on sheets of %j', (count, sizes) => {
    const students = Array.from({ length: count }, (_, i) => i);
    const sheets = sheetsOf(students, sheetLayout('a4'));
    expect(sheets.map((s) => s.length)).toEqual(sizes);
    expect(sheets.flat()).toEqual(students);
  });

  it('puts 17 Letter cards on three sheets of eight, eight and one', () => {
    expect(
      sheetsOf(
        Array.from({ length: 17 }, (_, i) => i),
        sheetLayout('letter'),
      ).map((s) => s.length),
    ).toEqual([8, 8, 1]);
  });
});

describe('cardCode', () => {
  it.each(['100001', '000123', 'S-77'])('encodes the ID %s as it is, nothing added', (studentId) => {
    expect(cardCode({ studentId, name: 'Ada Lovelace', homeroom: '7A' })).toBe(studentId);
  });
});

describe('sheetSummary', () => {
  it.each([
    [0, 'a4', 'No students to print cards for.'],
    [1, 'a4', '1 card on 1 A4 sheet (10 to a sheet).'],
    [24, 'a4', '24 cards on 3 A4 sheets (10 to a sheet).'],
    [24, 'letter', '24 cards on 3 US Letter sheets (8 to a sheet).'],
  ] as const)('says %i cards on %s plainly', (count, paper, text) => {
    expect(sheetSummary(count, sheetLayout(paper))).toBe(text);
  });
});
