/** The cards page: an admin chooses a homeroom and a paper size, sees the sheets and prints them. */
import type { CardList, CardStudent } from '../shared/cards-protocol.ts';
import { assertCardList } from '../shared/cards-protocol.ts';
import { code128Svg, qrSvg } from './card-barcodes.ts';
import { PAPERS, cardCode, sheetLayout, sheetSummary, sheetsOf, type Paper, type SheetLayout } from './card-sheet.ts';
import { element, make } from './dom.ts';
import { callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

const form = element<HTMLFormElement>('cards-form');
const homeroomSelect = element<HTMLSelectElement>('homeroom');
const printButton = element<HTMLButtonElement>('print-cards');
const status = element<HTMLElement>('cards-status');
const alert = element<HTMLElement>('cards-error');
const sheetsRegion = element<HTMLElement>('sheets');

function chosenPaper(): Paper {
  const value = new FormData(form).get('paper');
  return value === 'letter' ? 'letter' : 'a4';
}

function card(student: CardStudent, schoolName: string): HTMLElement {
  const code = cardCode(student);
  return make('article', { className: 'id-card', attrs: { 'aria-label': `Card of ${student.name}` } }, [
    make('p', { className: 'id-card-school', text: schoolName }),
    make('p', { className: 'id-card-name', text: student.name }),
    make('p', { className: 'id-card-homeroom', text: `Homeroom ${student.homeroom}` }),
    make('div', { className: 'id-card-qr' }, [qrSvg(code)]),
    make('div', { className: 'id-card-barcode' }, [code128Svg(code), make('p', { className: 'id-card-id', text: code })]),
  ]);
}

/** The sheets as they print: the layout's numbers become the grid's custom properties. */
function renderSheets(list: CardList, layout: SheetLayout, schoolName: string): void {
  const { widthMm, heightMm, label } = PAPERS[layout.paper];
  const sheets = sheetsOf(list.students, layout).map((students, i, all) => {
    const sheet = make('section', {
      className: `card-sheet paper-${layout.paper}`,
      attrs: { 'aria-label': `Sheet ${i + 1} of ${all.length}` },
    });
    sheet.style.setProperty('--sheet-width', `${widthMm}mm`);
    sheet.style.setProperty('--sheet-height', `${heightMm}mm`);
    sheet.style.setProperty('--columns', String(layout.columns));
    sheet.style.setProperty('--rows', String(layout.rows));
    sheet.style.setProperty('--margin-x', `${layout.marginXMm}mm`);
    sheet.style.setProperty('--margin-y', `${layout.marginYMm}mm`);
    sheet.append(...students.map((student) => card(student, schoolName)));
    return sheet;
  });
  sheetsRegion.replaceChildren(...sheets);
  sheetsRegion.setAttribute('aria-label', `Cards to print on ${label}`);
  status.textContent = sheetSummary(list.students.length, layout);
  printButton.disabled = list.students.length === 0;
}

async function start(): Promise<void> {
  const staff = await requireStaff(['admin']);
  if (!staff) return;
  let list: CardList | null = null;

  const render = (): void => {
    if (list) renderSheets(list, sheetLayout(chosenPaper()), staff.school.name);
  };

  async function load(): Promise<void> {
    alert.textContent = '';
    status.textContent = 'Loading the students…';
    const answer = await callChecked(`/api/cards?homeroom=${encodeURIComponent(homeroomSelect.value)}`, assertCardList);
    if (!answer.ok) {
      if (followRefusal(answer)) return;
      status.textContent = '';
      alert.textContent = `The students could not be loaded: ${refusalText(answer)}`;
      return;
    }
    list = answer.body;
    const chosen = homeroomSelect.value;
    homeroomSelect.replaceChildren(
      new Option('Whole school', '', false, chosen === ''),
      ...list.homerooms.map((room) => new Option(room, room, false, room === chosen)),
    );
    render();
  }

  homeroomSelect.addEventListener('change', () => void load());
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="paper"]')) radio.addEventListener('change', render);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (list && list.students.length > 0) window.print();
  });
  await load();
}

void start();
