/**
 * The office: today at a glance (today.ts), open conflicts, each settled in a dialog (or several alike at
 * once), new ones announced in one banner however many arrive, and a revoked
 * kiosk's saved check-ins imported from its file.
 */
import type { ConflictView, HistoryEntry } from '../shared/office-protocol.ts';
import { assertSyncResponse } from '../shared/protocol-guards.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { resolveDialog } from './conflict-dialog.ts';
import { conflictItem } from './conflict-item.ts';
import { afterPull, NO_NOTICE, type NoticeState } from './conflict-notice.ts';
import { element } from './dom.ts';
import { startExportForm } from './export-form.ts';
import { countReceipts, importReport } from './import-report.ts';
import { readQueueFile } from './queue-file.ts';
import { canSelect, likeCount, prune, selectAllLike, selectedOf, toggle } from './similar-selection.ts';
import { callChecked, type Refused } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { assertConflictList, assertRecordHistory, assertResolveResult } from './staff-guards.ts';
import { followRefusal, requireStaff } from './staff-session.ts';
import { newConflictsText } from './staff-text.ts';
import { startBridge } from './sw-bridge.ts';
import { onLiveEvents } from './live-events.ts';
import { startToday } from './today.ts';

/** The list is read again this often while the page is visible. */
const REFRESH_MS = 60_000;

const list = element<HTMLUListElement>('conflicts');
const empty = element<HTMLElement>('conflicts-empty');
const count = element<HTMLElement>('conflicts-count');
const officeStatus = element<HTMLElement>('office-status');
const alert = element<HTMLElement>('office-error');
const banner = element<HTMLElement>('conflict-banner');
const bannerText = element<HTMLElement>('conflict-banner-text');
const selectionBar = element<HTMLElement>('selection-bar');
const selectionText = element<HTMLElement>('selection-text');
const settleSelected = element<HTMLButtonElement>('settle-selected');
const importInput = element<HTMLInputElement>('import-file');
const importResult = element<HTMLElement>('import-result');

async function start(): Promise<void> {
  const staff = await requireStaff(['office', 'admin']);
  if (!staff) return;
  const timeZone = staff.school.timeZone;
  let conflicts: ConflictView[] = [];
  let selected = new Set<string>();
  let notice: NoticeState = NO_NOTICE;
  /** Ids the person has seen listed; later arrivals are tagged "New" until they refresh. */
  let seen: Set<string> | null = null;
  let loaded = false;

  function showRefusal(answer: Refused, doing: string): void {
    if (followRefusal(answer)) return;
    alert.textContent = `${doing}: ${refusalText(answer)}`;
  }

  function render(): void {
    empty.hidden = !loaded || conflicts.length > 0;
    count.textContent = loaded ? `${conflicts.length.toLocaleString('en')} open` : '';
    list.replaceChildren(
      ...conflicts.map((conflict) =>
        conflictItem(conflict, {
          timeZone,
          alike: likeCount(conflicts, conflict),
          selected: selected.has(conflict.id),
          selectable: canSelect(conflicts, selected, conflict),
          isNew: seen !== null && !seen.has(conflict.id),
          onSettle: (c) => void settle([c]),
          onSelect: (c, on) => {
            selected = toggle(conflicts, selected, c, on);
            render();
            element<HTMLInputElement>(`select-${c.id}`).focus();
          },
          onSelectAllLike: (c) => {
            selected = selectAllLike(conflicts, c);
            render();
            settleSelected.focus();
          },
        }),
      ),
    );
    const chosen = selectedOf(conflicts, selected);
    selectionBar.hidden = chosen.length === 0;
    selectionText.textContent = chosen.length === 1 ? '1 conflict selected.' : `${chosen.length} conflicts selected, all alike.`;
    settleSelected.textContent = chosen.length === 1 ? 'Settle the selected conflict' : `Settle the ${chosen.length} selected together`;
  }

  /** `byPerson`: the person asked (banner, button), so what they now see counts as seen. */
  async function load(byPerson = false): Promise<void> {
    const answer = await callChecked('/api/conflicts?status=open', assertConflictList);
    if (!answer.ok) {
      showRefusal(answer, 'The conflicts could not be loaded');
      return;
    }
    conflicts = answer.body.conflicts;
    selected = prune(conflicts, selected);
    if (seen === null || byPerson) seen = new Set(conflicts.map((c) => c.id));
    loaded = true;
    notice = NO_NOTICE;
    banner.hidden = true;
    render();
  }

  async function historyOf(conflict: ConflictView): Promise<HistoryEntry[] | null> {
    const query = new URLSearchParams({ studentId: conflict.studentId, date: conflict.date, session: conflict.session });
    const answer = await callChecked(`/api/records/history?${query}`, assertRecordHistory);
    return answer.ok ? answer.body.entries : null;
  }

  async function settle(together: ConflictView[]): Promise<void> {
    const [first, ...rest] = together;
    if (!first) return;
    alert.textContent = '';
    const choice = await resolveDialog({ conflicts: [first, ...rest], timeZone, history: historyOf(first) });
    if (!choice) return;
    const answer = await callChecked('/api/conflicts/resolve', assertResolveResult, {
      method: 'POST',
      body: { v: PROTOCOL_VERSION, resolutions: together.map((c) => ({ conflictId: c.id, choices: choice.choices, note: choice.note })) },
    });
    if (answer.ok) {
      officeStatus.textContent =
        together.length === 1
          ? `Settled: ${first.studentName}.`
          : `Settled ${together.length} conflicts: ${together.map((c) => c.studentName).join(', ')}.`;
      for (const c of together) selected.delete(c.id);
    } else {
      showRefusal(answer, together.length === 1 ? `${first.studentName} was not settled` : 'None of them was settled');
    }
    await load();
  }

  settleSelected.addEventListener('click', () => void settle(selectedOf(conflicts, selected)));
  element<HTMLButtonElement>('clear-selection').addEventListener('click', () => {
    selected = new Set();
    render();
  });
  element<HTMLButtonElement>('conflict-refresh').addEventListener('click', () => {
    void load(true).then(() => element<HTMLElement>('conflicts-heading').focus());
  });
  element<HTMLButtonElement>('refresh-list').addEventListener('click', () => void load(true));

  function importChosenFile(): void {
    const file = importInput.files?.[0];
    if (!file) return;
    importResult.textContent = 'Reading the file…';
    void (async () => {
      const read = readQueueFile(await file.text(), timeZone, Date.now());
      if (!read.ok) {
        importResult.textContent = read.problem;
        importInput.value = '';
        return;
      }
      importResult.textContent = `${read.description} Importing…`;
      const answer = await callChecked('/api/queue-imports', assertSyncResponse, { method: 'POST', body: read.body });
      importInput.value = '';
      if (!answer.ok) {
        if (followRefusal(answer)) return;
        importResult.textContent = `${read.description} Not imported: ${answer.code === 'device-not-found' ? 'the kiosk that saved this file is not one of this school’s.' : refusalText(answer)}`;
        return;
      }
      importResult.textContent = `${read.description} ${importReport(countReceipts(answer.body.receipts))}`;
      await load();
    })();
  }
  importInput.addEventListener('change', importChosenFile);
  // On a slow link a person can choose the file before the page has checked who is signed in.
  importChosenFile();

  // New conflicts arrive with the worker's pulls: one banner, however many.
  const bridge = startBridge(
    () => undefined,
    (pulled) => {
      const next = afterPull(notice, pulled);
      notice = next.state;
      if (next.action === 'show-banner') {
        bannerText.textContent = newConflictsText(notice.unseen);
        banner.hidden = false;
      } else if (next.action === 'reload-quietly') void load();
    },
  );
  startToday({ school: staff.school.name, timeZone, bridge, reasons: staff.school.absenceReasons ?? [] });
  onLiveEvents(['conflicts-opened', 'conflicts-resolved', 'catch-up'], () => void load());
  setInterval(() => {
    if (document.visibilityState === 'visible') void load();
  }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void load();
  });
  await load();
}

startExportForm();
void start();
