/**
 * The notices region of every staff page: one polite live region under the
 * header, fed by the network's events and the worker's messages, showing
 * what the board (./notice-board.ts) holds, each with its action and a
 * "Dismiss". Staff pages only: the kiosk never loads it.
 */
import type { StaffRole } from '../shared/account-protocol.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { make } from './dom.ts';
import { NoticeBoard, type Notice, type NoticeAction } from './notice-board.ts';
import { statusNews } from './status-news.ts';
import { listenToWorker } from './sw-bridge.ts';

/** Where "Open conflicts" goes: the office's list. */
const CONFLICTS_PATH = '/office#conflicts-heading';

function noticeItem(notice: Notice, act: (notice: Notice) => void, dismiss: (notice: Notice) => void): HTMLLIElement {
  const text = make('p', { className: 'notice-text', text: notice.text });
  const item = make('li', { className: `notice${notice.sticky ? ' needs-action' : ''}`, attrs: { 'data-kind': notice.kind } }, [text]);
  if (notice.action) {
    const action = make('button', { className: 'primary', text: notice.action.label, attrs: { type: 'button' } });
    action.addEventListener('click', () => act(notice));
    item.append(action);
  }
  const close = make('button', { text: 'Dismiss', attrs: { type: 'button', 'aria-label': `Dismiss: ${notice.text}` } });
  close.addEventListener('click', () => dismiss(notice));
  item.append(close);
  return item;
}

/**
 * Updates the list in place, item by item, so the live region reads out
 * only what is new or changed, not every notice again.
 */
function render(list: HTMLUListElement, notices: readonly Notice[], act: (n: Notice) => void, dismiss: (n: Notice) => void): void {
  const kept = new Map([...list.querySelectorAll<HTMLLIElement>('li[data-kind]')].map((li) => [li.dataset.kind, li]));
  const lostFocus = list.contains(document.activeElement);
  for (const [kind, li] of kept) if (!notices.some((n) => n.kind === kind)) li.remove();
  for (const notice of notices) {
    const old = kept.get(notice.kind);
    if (old && old.querySelector('.notice-text')?.textContent === notice.text) continue;
    const fresh = noticeItem(notice, act, dismiss);
    if (old) old.replaceWith(fresh);
    else list.append(fresh);
  }
  // A notice that held the focus went: the focus goes back to the page, not to nowhere.
  if (lostFocus && !list.contains(document.activeElement)) document.querySelector<HTMLElement>('main')?.focus();
}

export function startStaffNotices(who: { role: StaffRole }): void {
  const list = make('ul', { className: 'notice-list', attrs: { 'aria-live': 'polite' } });
  const region = make('section', { className: 'notices', attrs: { 'aria-label': 'Notices' } }, [list]);
  // Always there, empty when quiet: a live region present from the start is one screen readers follow.
  (document.getElementById('staff-header') ?? document.body.firstElementChild)?.after(region);
  const main = document.querySelector('main');
  if (main && !main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');

  let syncNow: () => void = () => undefined;
  const act = (notice: Notice): void => {
    const actions: Record<NoticeAction, () => void> = {
      retry: () => syncNow(),
      'open-conflicts': () => location.assign(CONFLICTS_PATH),
    };
    board.dismiss(notice.kind);
    if (notice.action) actions[notice.action.do]();
  };
  const board = new NoticeBoard({
    setTimer: (run, ms) => setTimeout(run, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    show: (notices) => render(list, notices, act, (n) => board.dismiss(n.kind)),
  });

  window.addEventListener('offline', () => board.offline());
  window.addEventListener('online', () => board.online());
  if (!navigator.onLine) board.offline();

  // The office's own page announces new conflicts in its list's banner; other pages of its people say it here.
  const hearsConflicts = (who.role === 'office' || who.role === 'admin') && location.pathname !== '/office';
  let last: WorkerStatus | null = null;
  let failing = false;
  const worker = listenToWorker(
    (status) => {
      const news = statusNews(last, status, navigator.onLine, failing);
      last = status;
      failing = news.failing;
      board.sent(news.sent);
      if (news.news?.now === 'failing') board.syncFailing(news.news.why, news.news.canRetry);
      else if (news.news?.now === 'works') board.syncWorks();
    },
    (pulled) => {
      if (hearsConflicts) board.conflictsOpened(pulled.conflictsOpened);
    },
  );
  syncNow = worker.syncNow;
}
