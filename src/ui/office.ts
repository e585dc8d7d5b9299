/**
 * The office: open conflicts, each settled in a dialog (or several alike at
 * once), new ones announced in one banner per pull, and a revoked kiosk's
 * saved check-ins imported from its file.
 */
import type { ConflictList, ConflictView, RecordHistory, ResolveResult } from '../shared/office-protocol.ts';
import { PROTOCOL_VERSION, type SyncResponse } from '../shared/protocol.ts';
import { resolveDialog } from './conflict-dialog.ts';
import { call } from './staff-api.ts';
import { element, requireStaff } from './staff-session.ts';
import { conflictSummary, confidenceText, importSummary, newConflictsText } from './staff-text.ts';
import { startBridge } from './sw-bridge.ts';

const list = element<HTMLUListElement>('conflicts');
const empty = element<HTMLElement>('conflicts-empty');
const error = element<HTMLElement>('office-error');
const banner = element<HTMLElement>('conflict-banner');

const session = await requireStaff(['office', 'admin']);
const zone = session.school.timeZone;
let conflicts: ConflictView[] = [];
const selected = new Set<string>();

async function settle(conflict: ConflictView): Promise<void> {
  const alike = selected.has(conflict.id) ? conflicts.filter((c) => selected.has(c.id) && c.similarKey === conflict.similarKey) : [conflict];
  const query = new URLSearchParams({ studentId: conflict.studentId, date: conflict.date, session: conflict.session });
  const history = await call<RecordHistory>(`/api/records/history?${query}`);
  const choice = await resolveDialog(conflict, alike.length, zone, history.ok ? history.body.entries : []);
  if (!choice) return;
  const answer = await call<ResolveResult>('/api/conflicts/resolve', { method: 'POST', body: { v: PROTOCOL_VERSION, resolutions: alike.map((c) => ({ conflictId: c.id, choices: choice.choices, note: choice.note })) } });
  if (!answer.ok) error.textContent = answer.code === 'conflict-already-resolved' ? 'Someone else settled this meanwhile; the list is fresh again.' : answer.message;
  else error.textContent = '';
  for (const c of alike) selected.delete(c.id);
  await load();
}

function renderItem(conflict: ConflictView): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'conflict-item';
  item.setAttribute('aria-label', `${conflict.studentName}, ${conflict.homeroom}`);
  const heading = document.createElement('h3');
  heading.textContent = `${conflict.studentName} (${conflict.homeroom}) — ${conflict.session === 'day' ? 'whole day' : conflict.session}, ${conflict.date}`;
  const summary = document.createElement('p');
  summary.textContent = `${conflictSummary(conflict)}. Suggestion: keep ${conflict.suggestion.status ?? 'as is'} (${confidenceText(conflict.confidence)}).`;
  const pick = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = selected.has(conflict.id);
  box.addEventListener('change', () => (box.checked ? selected.add(conflict.id) : selected.delete(conflict.id)));
  pick.append(box, ' Select');
  const alike = conflicts.filter((c) => c.similarKey === conflict.similarKey);
  const actions = document.createElement('p');
  const open = document.createElement('button');
  open.type = 'button';
  open.textContent = 'Settle';
  open.setAttribute('aria-label', `Settle ${conflict.studentName}`);
  open.addEventListener('click', () => void settle(conflict));
  actions.append(open);
  if (alike.length > 1) {
    const all = document.createElement('button');
    all.type = 'button';
    all.textContent = `Select all ${alike.length} like this`;
    all.addEventListener('click', () => {
      for (const c of alike) selected.add(c.id);
      render();
    });
    actions.append(' ', all);
  }
  item.append(heading, summary, pick, actions);
  return item;
}

function render(): void {
  empty.hidden = conflicts.length > 0;
  list.replaceChildren(...conflicts.map(renderItem));
}

async function load(): Promise<void> {
  const answer = await call<ConflictList>('/api/conflicts?status=open');
  if (!answer.ok) {
    error.textContent = answer.message;
    return;
  }
  conflicts = answer.body.conflicts;
  banner.hidden = true;
  render();
}

element<HTMLButtonElement>('conflict-refresh').addEventListener('click', () => void load());

element<HTMLInputElement>('import-file').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  const result = element<HTMLElement>('import-result');
  if (!file) return;
  void (async () => {
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      result.textContent = 'That file is not a kiosk’s saved check-ins (it is not JSON).';
      return;
    }
    const answer = await call<SyncResponse>('/api/queue-imports', { method: 'POST', body });
    result.textContent = answer.ok ? importSummary(answer.body.receipts) : `Not imported: ${answer.message}`;
    input.value = '';
    await load();
  })();
});

let pendingNew = 0;
startBridge(
  () => undefined,
  (pulled) => {
    if (pulled.conflictsOpened === 0 && pulled.conflictsResolved === 0) return;
    // One notice per pull, however many conflicts it brought.
    pendingNew += pulled.conflictsOpened;
    if (pendingNew > 0) {
      element<HTMLElement>('conflict-banner-text').textContent = newConflictsText(pendingNew);
      banner.hidden = false;
    }
    if (pulled.conflictsResolved > 0 && pendingNew === 0) void load();
  },
);
element<HTMLButtonElement>('conflict-refresh').addEventListener('click', () => (pendingNew = 0));
setInterval(() => {
  if (document.visibilityState === 'visible') void load();
}, 60_000);
await load();
