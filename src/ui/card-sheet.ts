/**
 * How ID cards sit on a printed sheet: pure arithmetic in millimetres, used
 * by the cards page's print stylesheet (through CSS custom properties) and
 * by its tests.
 *
 * A card is the size of a bank card (ISO/IEC 7810 ID-1, 85.6 × 54 mm), so it
 * fits a wallet and a standard card sleeve. Cards are laid in a grid with a
 * gap between them to cut along, centred on the sheet, never nearer its
 * edge than most printers can print.
 */
import type { CardStudent } from '../shared/cards-protocol.ts';

export type Paper = 'a4' | 'letter';

export const PAPERS: Readonly<Record<Paper, { label: string; widthMm: number; heightMm: number }>> = {
  a4: { label: 'A4', widthMm: 210, heightMm: 297 },
  letter: { label: 'US Letter', widthMm: 215.9, heightMm: 279.4 },
};

export const CARD_WIDTH_MM = 85.6;
export const CARD_HEIGHT_MM = 54;
/** What most office printers cannot print at the sheet's edge. */
export const MIN_MARGIN_MM = 6;
/** Between two cards: room for a cut on each card's own side of the line. */
export const GAP_MM = 3;

export interface SheetLayout {
  paper: Paper;
  columns: number;
  rows: number;
  perSheet: number;
  /** From the sheet's left edge to the first column; the same on the right. */
  marginXMm: number;
  /** From the sheet's top edge to the first row; the same at the bottom. */
  marginYMm: number;
}

/** How many cards fit along `length` mm with the gaps between them and the margins at both ends. */
function fitting(lengthMm: number, cardMm: number): number {
  return Math.floor((lengthMm - 2 * MIN_MARGIN_MM + GAP_MM) / (cardMm + GAP_MM));
}

function centredMargin(lengthMm: number, count: number, cardMm: number): number {
  return Math.round(((lengthMm - count * cardMm - (count - 1) * GAP_MM) / 2) * 100) / 100;
}

export function sheetLayout(paper: Paper): SheetLayout {
  const { widthMm, heightMm } = PAPERS[paper];
  const columns = fitting(widthMm, CARD_WIDTH_MM);
  const rows = fitting(heightMm, CARD_HEIGHT_MM);
  return {
    paper,
    columns,
    rows,
    perSheet: columns * rows,
    marginXMm: centredMargin(widthMm, columns, CARD_WIDTH_MM),
    marginYMm: centredMargin(heightMm, rows, CARD_HEIGHT_MM),
  };
}

/** The students in sheets of `layout.perSheet`, in the order given. */
export function sheetsOf<T>(students: readonly T[], layout: SheetLayout): T[][] {
  const sheets: T[][] = [];
  for (let i = 0; i < students.length; i += layout.perSheet) sheets.push(students.slice(i, i + layout.perSheet));
  return sheets;
}

/**
 * What both barcodes on a card encode: the student's ID and nothing else,
 * so a scanner acting as a keyboard types exactly what a person would, and
 * the camera reads exactly that.
 */
export function cardCode(student: CardStudent): string {
  return student.studentId;
}

/** "24 cards on 3 A4 sheets", for the page's status line. */
export function sheetSummary(cards: number, layout: SheetLayout): string {
  if (cards === 0) return 'No students to print cards for.';
  const sheets = Math.ceil(cards / layout.perSheet);
  const paper = PAPERS[layout.paper].label;
  return `${cards} ${cards === 1 ? 'card' : 'cards'} on ${sheets} ${paper} ${sheets === 1 ? 'sheet' : 'sheets'} (${layout.perSheet} to a sheet).`;
}
