/**
 * The teacher's roll: every student of a homeroom for a session, pre-filled
 * from door scans, marked with one tap. Marks go through the service worker,
 * so they stick offline; each row says where its mark stands.
 */
import { assertRollView } from '../shared/office-guards.ts';
import type { RollRow, RollView } from '../shared/office-protocol.ts';
import { ATTENDANCE_STATUSES, PROTOCOL_VERSION, type AttendanceStatus } from '../shared/protocol.ts';
import { ulid } from '../shared/ulid.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { call } from './staff-api.ts';
import { clockTime, element, requireStaff } from './staff-session.ts';
import { markStateText, rollNetworkText, STATUS_WORDS } from './staff-text.ts';
import { startBridge } from './sw-bridge.ts';

const CHOICE = 'doorline.roll';
const list = element<HTMLUListElement>('roll-list');
const groupSelect = element<HTMLSelectElement>('roll-group');
const sessionSelect = element<HTMLSelectElement>('roll-session');
const error = element<HTMLElement>('roll-error');
const network = element<HTMLElement>('roll-network');
const queue = element<HTMLElement>('roll-queue');

const session = await requireStaff(['teacher', 'office', 'admin']);
const zone = session.school.timeZone;
let view: RollView | null = null;

function remembered(): { group: string | null; session: string } {
  try {
    const value = JSON.parse(localStorage.getItem(CHOICE) ?? '{}') as { group?: string; session?: string };
    return { group: value.group ?? null, session: value.session ?? 'day' };
  } catch {
    return { group: null, session: 'day' };
  }
}

function rowDetail(row: RollRow): string {
  const parts = [row.studentId];
  if (row.checkInAt !== null) parts.push(`door ${clockTime(row.checkInAt, zone)}`);
  if (row.mark) parts.push(`${STATUS_WORDS[row.mark.status]}: ${markStateText(row.mark.state)}`);
  return parts.join(' · ');
}

function renderRow(row: RollRow): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'roll-row';
  item.setAttribute('aria-label', row.name);
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = `${row.name}${row.status ? ` — ${STATUS_WORDS[row.status]}` : ''}`;
  const detail = document.createElement('span');
  detail.className = `detail${row.mark ? ` state-${row.mark.state}` : ''}`;
  detail.textContent = rowDetail(row);
  const buttons = document.createElement('div');
  buttons.className = 'roll-buttons';
  buttons.setAttribute('role', 'group');
  buttons.setAttribute('aria-label', `Mark ${row.name}`);
  for (const status of ATTENDANCE_STATUSES) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = STATUS_WORDS[status];
    button.setAttribute('aria-pressed', String(row.status === status));
    button.addEventListener('click', () => void mark(row, status));
    buttons.append(button);
  }
  item.append(who, buttons, detail);
  return item;
}

function render(): void {
  if (!view) return;
  groupSelect.replaceChildren(...view.groups.map((g) => new Option(g, g, false, g === view?.group)));
  sessionSelect.replaceChildren(...view.sessions.map((s) => new Option(s === 'day' ? 'Whole day' : s, s, false, s === view?.session)));
  list.replaceChildren(...view.rows.map(renderRow));
}

async function load(): Promise<void> {
  const choice = remembered();
  const query = new URLSearchParams({ session: choice.session, ...(choice.group ? { group: choice.group } : {}) });
  const answer = await call<unknown>(`/api/roll?${query}`);
  if (!answer.ok) {
    error.textContent = answer.message;
    return;
  }
  assertRollView(answer.body);
  error.textContent = '';
  view = answer.body;
  render();
}

async function mark(row: RollRow, status: AttendanceStatus): Promise<void> {
  if (!view) return;
  const now = Date.now();
  const body = { v: PROTOCOL_VERSION, opId: ulid(now, (bytes) => crypto.getRandomValues(bytes)), kind: 'status', studentId: row.studentId, at: now, session: view.session, status, base: row.version };
  // Shown at once; the worker's copy (or the server) confirms on the next read.
  Object.assign(row, { status, mark: { opId: body.opId, status, state: 'waiting', conflictId: null } });
  render();
  const answer = await call('/api/marks', { method: 'POST', body });
  if (!answer.ok) error.textContent = `${row.name}: ${answer.message}`;
  bridge.syncNow();
  await load();
}

function choose(): void {
  localStorage.setItem(CHOICE, JSON.stringify({ group: groupSelect.value, session: sessionSelect.value }));
  void load();
}
groupSelect.addEventListener('change', choose);
sessionSelect.addEventListener('change', choose);

function renderStatus(status: WorkerStatus | null): void {
  network.textContent = rollNetworkText(navigator.onLine, status);
  queue.textContent = status ? (status.waiting === 0 ? ' · All marks sent' : ` · ${status.waiting} waiting to send`) : '';
}

let lastPhase: string | null = null;
const bridge = startBridge(
  (status) => {
    renderStatus(status);
    // A finished send changes where marks stand.
    if (lastPhase === 'sending' && status.phase !== 'sending') void load();
    lastPhase = status.phase;
  },
  () => void load(),
);
window.addEventListener('online', () => renderStatus(null));
window.addEventListener('offline', () => renderStatus(null));
renderStatus(null);
await load();
void bridge.whenControlled().then(load);
