/**
 * The emergency roll call: who should be on site (checked in or marked
 * present, not checked out), by homeroom, with a search; a marshal taps
 * "Found" for each student at the muster point, and taps again to undo a
 * tick made by mistake. It reads the device's copy
 * of today through the worker and ticks through it, so it works with the
 * network down; ticks from other devices appear as they sync.
 */
import { assertRollCallDay } from '../shared/office-guards.ts';
import {
  absorbRollCall,
  foundNow,
  matchesSearch,
  rollCallCounts,
  rollCallRows,
  type RollCallDay,
  type RollCallRow,
} from '../shared/roll-call.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { element, make } from './dom.ts';
import { onLiveEvents } from './live-events.ts';
import { keptRollCall, makeRollCallOp, startRollCall } from './roll-call-start.ts';
import { rememberRollCall } from './roll-call-memory.ts';
import { countsText, foundText, lastText, runningForText, stateText } from './roll-call-text.ts';
import { rollQueueText } from './roll-text.ts';
import { callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { followRefusal, requireStaff } from './staff-session.ts';
import { rollNetworkText } from './staff-text.ts';
import { startFollowingBridge } from './sw-bridge.ts';

const state = element<HTMLElement>('rc-state');
const alert = element<HTMLElement>('rc-error');
const startButton = element<HTMLButtonElement>('rc-start');
const endButton = element<HTMLButtonElement>('rc-end');
const running = element<HTMLElement>('rc-running');
const foundCount = element<HTMLElement>('rc-found');
const missingCount = element<HTMLElement>('rc-missing');
const elapsed = element<HTMLElement>('rc-elapsed');
const search = element<HTMLInputElement>('rc-search');
const onlyMissing = element<HTMLInputElement>('rc-only-missing');
const list = element<HTMLElement>('rc-list');
const last = element<HTMLElement>('rc-last');
const lastTextEl = element<HTMLElement>('rc-last-text');
const lastMissing = element<HTMLUListElement>('rc-last-missing');
const network = element<HTMLElement>('rc-network');
const queue = element<HTMLElement>('rc-queue');

let status: WorkerStatus | null = null;

/** One row kept between reads and updated in place, so a tick never loses the focus or the scroll position. */
interface RowParts {
  item: HTMLLIElement;
  button: HTMLButtonElement;
}

async function start(): Promise<void> {
  const staff = await requireStaff(['teacher', 'office', 'admin']);
  if (!staff) return;
  const school = staff.school;
  const timeZone = school.timeZone;
  let day: RollCallDay | null = null;
  let ticksInFlight = 0;
  let reads = 0;
  const rows = new Map<string, RowParts>();
  let shownKey = '';

  function rowOf(student: RollCallRow): RowParts {
    const known = rows.get(student.studentId);
    if (known) return known;
    const button = make('button', { className: 'rc-tick', attrs: { type: 'button', 'aria-pressed': 'false' } });
    button.addEventListener('click', () => void toggle(student.studentId));
    const item = make('li', { className: 'rc-row', attrs: { 'data-student-id': student.studentId } }, [
      make('span', { className: 'rc-who' }, [
        make('span', { className: 'rc-name', text: student.name }),
        make('span', { className: 'rc-id', text: `ID ${student.studentId}` }),
      ]),
      button,
    ]);
    const made = { item, button };
    rows.set(student.studentId, made);
    return made;
  }

  function renderList(all: RollCallRow[]): void {
    const query = search.value;
    const shown = all.filter((r) => matchesSearch(r, query) && (!onlyMissing.checked || r.foundAt === null));
    for (const row of shown) {
      const { item, button } = rowOf(row);
      const found = row.foundAt !== null;
      item.classList.toggle('found', found);
      button.textContent = foundText(row, timeZone);
      button.setAttribute('aria-pressed', String(found));
      button.setAttribute('aria-label', found ? `${row.name}: ${foundText(row, timeZone)}` : `Found: ${row.name}`);
    }
    // The layout is rebuilt only when who is shown changes (a search, a tick with "only missing", a new arrival).
    const key = shown.map((r) => r.studentId).join(',');
    if (key === shownKey) return;
    shownKey = key;
    const groups = new Map<string, RollCallRow[]>();
    for (const row of shown) groups.set(row.homeroom, [...(groups.get(row.homeroom) ?? []), row]);
    const sections = [...groups].map(([homeroom, members]) => {
      const id = `rc-group-${homeroom.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      return make('section', { className: 'rc-group', attrs: { 'aria-labelledby': id } }, [
        make('h2', { text: homeroom || 'No homeroom', attrs: { id } }),
        make(
          'ul',
          { className: 'rc-rows' },
          members.map((m) => rowOf(m).item),
        ),
      ]);
    });
    list.replaceChildren(...(sections.length > 0 ? sections : [make('p', { className: 'hint', text: 'Nobody matches the search.' })]));
  }

  function render(): void {
    if (!day) return;
    const rollCall = day.rollCall;
    const all = rollCallRows(day.students, new Set(day.onSite), rollCall ? foundNow(rollCall) : {});
    const isRunning = rollCall !== null && rollCall.endedAt === null;
    state.textContent = stateText(rollCall, timeZone);
    startButton.hidden = isRunning;
    endButton.hidden = !isRunning;
    running.hidden = !isRunning;
    last.hidden = isRunning || rollCall === null;
    if (isRunning) {
      const counts = rollCallCounts(all);
      const words = countsText(counts.found, counts.missing);
      foundCount.textContent = words.found;
      missingCount.textContent = words.missing;
      renderList(all);
      tickClock();
    } else if (rollCall) {
      const missing = all.filter((r) => r.foundAt === null);
      lastTextEl.textContent = lastText(rollCall, missing);
      lastMissing.replaceChildren(...missing.map((r) => make('li', { text: `${r.name} (${r.homeroom}, ID ${r.studentId})` })));
    }
  }

  function tickClock(): void {
    const rollCall = day?.rollCall;
    if (rollCall && rollCall.endedAt === null) elapsed.textContent = runningForText(rollCall.startedAt, Date.now());
  }
  setInterval(tickClock, 1000);

  async function load(): Promise<void> {
    const read = ++reads;
    const answer = await callChecked('/api/roll-call', assertRollCallDay);
    if (read !== reads || ticksInFlight > 0) return;
    if (!answer.ok) {
      if (followRefusal(answer)) return;
      alert.textContent =
        answer.code === 'network-error'
          ? day
            ? 'Offline: the list shows what this device last saw.'
            : "This device is offline and has not loaded today's records yet: the list shows once it reaches the server."
          : `The roll call could not be loaded: ${refusalText(answer)}`;
      return;
    }
    alert.textContent = '';
    // The server's roll call with every device's ticks, merged into this browser's copy (which only grows).
    const server = answer.body.rollCall;
    const kept = keptRollCall(school);
    const rollCall = server?.id ? absorbRollCall(kept, { ...server, id: server.id }) : kept;
    rememberRollCall(localStorage, school.name, rollCall);
    day = { ...answer.body, rollCall: rollCall?.date === answer.body.date ? rollCall : null };
    render();
  }

  /** A tick, or the undo of one made by mistake: the student shows as missing again, on every device once it syncs. */
  async function toggle(studentId: string): Promise<void> {
    const rollCall = day?.rollCall;
    if (!day || !rollCall || rollCall.endedAt !== null) return;
    const undo = foundNow(rollCall)[studentId] !== undefined;
    ticksInFlight++;
    const posted = makeRollCallOp(school, undo ? 'roll-call-undo' : 'roll-call-found', studentId);
    // Shown at once from this browser's copy; the next read merges the server's.
    day = { ...day, rollCall: keptRollCall(school) };
    render();
    const answer = await posted.finally(() => ticksInFlight--);
    if (!answer.ok && !followRefusal(answer)) alert.textContent = `${undo ? 'Not undone' : 'Not ticked'}: ${refusalText(answer)}`;
    bridge.syncNow();
    await load();
  }

  startButton.addEventListener('click', () => void startRollCall(school));
  endButton.addEventListener('click', () => {
    void (async () => {
      const end = await confirmDialog({
        heading: 'End the roll call?',
        text: 'Who is still missing and how long it ran are written in the log. Ticks can no longer be made.',
        confirm: 'End the roll call',
        cancel: 'Keep it running',
      });
      if (!end) return;
      const answer = await makeRollCallOp(school, 'roll-call-end');
      if (!answer.ok && !followRefusal(answer)) alert.textContent = `Not ended: ${refusalText(answer)}`;
      bridge.syncNow();
      await load();
      startButton.focus();
    })();
  });
  search.addEventListener('input', render);
  onlyMissing.addEventListener('change', render);

  function renderStatus(): void {
    network.textContent = rollNetworkText(navigator.onLine, status);
    network.dataset.state = navigator.onLine && status?.phase !== 'waiting-for-network' ? 'online' : 'offline';
    queue.textContent = rollQueueText(status, navigator.onLine);
  }
  // Where marks stand changes when a send finishes.
  const bridge = startFollowingBridge(
    (next) => {
      status = next;
      renderStatus();
    },
    () => void load(),
  );
  window.addEventListener('online', () => {
    renderStatus();
    bridge.syncNow();
    void load();
  });
  window.addEventListener('offline', renderStatus);
  // Another device's ticks: the worker pulls them, then tells this page (changes-pulled above).
  onLiveEvents(['records-changed', 'catch-up'], () => {
    bridge.syncNow();
    void load();
  });
  renderStatus();
  await load();
  void bridge.whenControlled().then(load);
}

void start();
