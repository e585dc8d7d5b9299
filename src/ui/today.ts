/**
 * "Today, at a glance" on /office: the day's counts and lists from
 * `GET /api/today`, read again within a second of a change reaching the
 * server (the event stream), and every so often besides, more often while
 * the stream is not known to be open. Offline, the page keeps the day as it
 * last knew it and says when that was. A missing student is marked from the
 * list through the worker, as the roll marks, so it works offline too.
 *
 *   loading ──ok──▶ shown (live once the stream said ready, else polling)
 *      │               │  network lost: offline, last day kept ──ok──▶ shown
 *      └──network──▶ offline (nothing yet)
 */
import { DAY_SESSION, type AttendanceStatus } from '../shared/attendance-model.ts';
import { assertMarkAnswer } from '../shared/protocol-guards.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { localMoment } from '../shared/school-time.ts';
import { assertTodayView, type TodayStudent, type TodayView } from '../shared/today-protocol.ts';
import { ulid } from '../shared/ulid.ts';
import { element } from './dom.ts';
import { clockTime, dayText } from './format-time.ts';
import { liveStreamOpen, onLiveEvents } from './live-events.ts';
import { callChecked, type Refused } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { followRefusal } from './staff-session.ts';
import { STATUS_WORDS } from './staff-text.ts';
import type { Bridge } from './sw-bridge.ts';
import { historyDialog } from './today-history-dialog.ts';
import type { AbsenceReason } from '../shared/reasons.ts';
import { markDialog } from './today-mark-dialog.ts';
import { freshnessText, matchesSearch, missingCountText, sortStudents, type Freshness, type StudentSort } from './today-text.ts';
import { countHead, countList, homeroomRows, lateRow, leftRow, missingRow, periodRows, rollRow } from './today-view.ts';

/** Read again this often while the event stream is open (a safety net), and while it is not. */
const LIVE_POLL_MS = 60_000;
const FALLBACK_POLL_MS = 10_000;
/** How long, online, a mark made here is shown as sending before the server's figures are trusted over it. */
const WAITING_MS = 120_000;

export interface TodayOptions {
  /** Which school the figures are of: the session kept on this device names it (and its zone), not its id. */
  school: string;
  timeZone: string;
  bridge: Bridge;
  /** The school's absence reasons: words chosen from them go with the mark as its reason. */
  reasons?: readonly AbsenceReason[];
}

/**
 * The last figures this tab read, kept for the tab's life (sessionStorage,
 * gone when it closes): a page reloaded with the network down shows the day
 * as it last knew it, labelled with that time, instead of nothing. Only
 * today's, and only this school's.
 */
function keptFigures(school: string, timeZone: string) {
  const key = `doorline-today:${school}:${timeZone}`;
  return {
    read(): TodayView | null {
      try {
        const kept: unknown = JSON.parse(sessionStorage.getItem(key) ?? 'null');
        assertTodayView(kept);
        return kept.date === localMoment(Date.now(), timeZone).date ? kept : null;
      } catch {
        return null;
      }
    },
    keep(view: TodayView): void {
      try {
        sessionStorage.setItem(key, JSON.stringify(view));
      } catch {
        // A full or refused storage keeps nothing: the page still shows what it has.
      }
    },
  };
}

export function startToday({ school, timeZone, bridge, reasons = [] }: TodayOptions): void {
  const kept = keptFigures(school, timeZone);
  const freshnessLine = element<HTMLElement>('today-freshness');
  const dayLine = element<HTMLElement>('today-day');
  const alert = element<HTMLElement>('today-error');
  const status = element<HTMLElement>('today-status');
  const counts = element<HTMLElement>('today-counts');
  const search = element<HTMLInputElement>('today-search');
  const missingSort = element<HTMLSelectElement>('missing-sort');
  const lateSort = element<HTMLSelectElement>('late-sort');

  let view: TodayView | null = null;
  let live = false;
  /** When the figures shown were last read, by this computer's clock. */
  let lastRead = 0;
  let freshness: Freshness = { kind: 'loading' };
  /** Marks made here that the server has not counted yet, by student, with when they were made. */
  const waiting = new Map<string, { status: AttendanceStatus; since: number }>();

  function table(rowsId: string, emptyId: string, rows: HTMLTableRowElement[], emptyText: string): void {
    element<HTMLElement>(rowsId).replaceChildren(...rows);
    const empty = element<HTMLElement>(emptyId);
    empty.hidden = view === null || rows.length > 0;
    empty.textContent = emptyText;
  }

  /** The redrawn control that had the focus, found again by its key. */
  function refocus(key: string | undefined): void {
    if (key === undefined) return;
    document.querySelector<HTMLElement>(`#today-section [data-key="${CSS.escape(key)}"]`)?.focus();
  }

  function render(): void {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
    try {
      draw();
    } finally {
      if (focused !== undefined && !(document.activeElement instanceof HTMLElement && document.activeElement.dataset.key === focused))
        refocus(focused);
    }
  }

  function draw(): void {
    freshnessLine.textContent = freshnessText(freshness);
    freshnessLine.dataset.state = freshness.kind;
    if (!view) return;
    dayLine.textContent = view.schoolDay
      ? `${dayText(view.date)}: a school day.`
      : `${dayText(view.date)}: no school today, so nobody is expected.`;
    counts.replaceChildren(...countList(view.school));
    const query = search.value;
    const shown = (s: TodayStudent) => matchesSearch(s, query);
    const missing = sortStudents(
      view.missing.filter((s) => shown(s) && waiting.get(s.studentId)?.status !== 'excused'),
      missingSort.value as StudentSort,
    );
    table(
      'missing-rows',
      'missing-empty',
      missing.map((s) =>
        missingRow(s, {
          onOpen: open,
          onMark: (student) => void mark(student),
          waiting: waitingText(s.studentId),
        }),
      ),
      query.trim() === '' ? 'Nobody is missing: every expected student is in, marked or excused.' : 'Nobody missing matches the search.',
    );
    element<HTMLElement>('missing-count').textContent = missingCountText(view.missing);
    const late = sortStudents(view.late.filter(shown), lateSort.value as StudentSort);
    table(
      'late-rows',
      'late-empty',
      late.map((s) => lateRow(s, timeZone, open)),
      'No late arrivals.',
    );
    const rolls = view.rollsNotTaken.filter((r) => query.trim() === '' || r.homeroom.toLowerCase() === query.trim().toLowerCase());
    table('rolls-rows', 'rolls-empty', rolls.map(rollRow), 'Every roll due so far has been taken.');
    table(
      'left-rows',
      'left-empty',
      view.leftEarly.filter(shown).map((s) => leftRow(s, timeZone, open)),
      'Nobody has left early.',
    );
    element<HTMLElement>('homerooms-head').replaceWith(Object.assign(countHead('Homeroom'), { id: 'homerooms-head' }));
    table('homerooms-rows', 'homerooms-empty', homeroomRows(view), 'No homerooms on the roster yet.');
    element<HTMLElement>('periods-head').replaceWith(Object.assign(countHead('Period'), { id: 'periods-head' }));
    table('periods-rows', 'periods-empty', periodRows(view), 'This school has no periods: only the day’s roll is kept.');
  }

  function waitingText(studentId: string): string | null {
    const mark = waiting.get(studentId);
    return mark ? `Marked ${STATUS_WORDS[mark.status].toLowerCase()} here — sending` : null;
  }

  function open(student: TodayStudent): void {
    const from = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
    void historyDialog(student, timeZone).then(() => refocus(from));
  }

  function showRefusal(answer: Refused, doing: string): void {
    if (followRefusal(answer)) return;
    alert.textContent = `${doing}: ${refusalText(answer)}`;
  }

  let inFlight: Promise<void> | null = null;
  /** One read at a time: a read asked for during one runs once it ends. */
  let again = false;
  async function load(): Promise<void> {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      const answer = await callChecked('/api/today', assertTodayView);
      if (answer.ok) {
        view = answer.body;
        kept.keep(view);
        lastRead = Date.now();
        alert.textContent = '';
        for (const [studentId, marked] of waiting) {
          const still = view.missing.find((s) => s.studentId === studentId);
          // Online, a mark the server has not counted within the wait was refused or is stuck: the list shows the server's word again.
          const stale = navigator.onLine && Date.now() - marked.since > WAITING_MS;
          if (!still || still.status === marked.status || stale) waiting.delete(studentId);
        }
        const time = clockTime(view.asOf, timeZone);
        freshness = live ? { kind: 'live', time } : { kind: 'polling', time };
      } else if (answer.code === 'network-error') {
        live = false;
        view ??= kept.read();
        freshness = { kind: 'offline', time: view ? clockTime(view.asOf, timeZone) : null };
      } else showRefusal(answer, 'Today’s figures could not be read');
      render();
    })().finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        void load();
      }
    });
    return inFlight;
  }

  async function mark(student: TodayStudent): Promise<void> {
    const choice = await markDialog(
      student,
      reasons.map((r) => r.label),
    );
    if (!choice) {
      // Cancelled: back to the button that opened it, while its row is still listed.
      const opener = document.querySelector<HTMLElement>(`[data-key="missing:mark:${CSS.escape(student.studentId)}"]`);
      (opener ?? element<HTMLElement>('missing-heading')).focus();
      return;
    }
    const now = Date.now();
    // Words from the school's list are the mark's reason; other words are kept as a note.
    const words = choice.reason.toLocaleLowerCase('en');
    const listed = reasons.find((r) => r.label.toLocaleLowerCase('en') === words);
    const op = {
      v: PROTOCOL_VERSION,
      kind: 'status',
      studentId: student.studentId,
      at: now,
      session: DAY_SESSION,
      status: choice.status,
      ...(listed ? { reason: listed.code } : {}),
      base: student.version,
    };
    const answer = await callChecked('/api/marks', assertMarkAnswer, {
      method: 'POST',
      body: { ...op, opId: ulid(now, (bytes) => crypto.getRandomValues(bytes)) },
    });
    if (!answer.ok) {
      showRefusal(answer, `${student.name} was not marked ${choice.status}`);
      return;
    }
    if (choice.reason !== '' && !listed) {
      const note = await callChecked('/api/marks', assertMarkAnswer, {
        method: 'POST',
        body: {
          v: PROTOCOL_VERSION,
          opId: ulid(now + 1, (bytes) => crypto.getRandomValues(bytes)),
          kind: 'note',
          studentId: student.studentId,
          at: now,
          session: DAY_SESSION,
          text: `${STATUS_WORDS[choice.status]}: ${choice.reason}`,
        },
      });
      if (!note.ok) showRefusal(note, `The reason for ${student.name} was not saved`);
    }
    waiting.set(student.studentId, { status: choice.status, since: Date.now() });
    const word = STATUS_WORDS[choice.status].toLowerCase();
    status.textContent =
      answer.body.queued && !navigator.onLine
        ? `${student.name} marked ${word}. Saved on this computer — will send when online.`
        : `${student.name} marked ${word}.`;
    render();
    element<HTMLElement>('missing-heading').focus();
    bridge.syncNow();
    await load();
  }

  search.addEventListener('input', render);
  missingSort.addEventListener('change', render);
  lateSort.addEventListener('change', render);
  element<HTMLButtonElement>('today-refresh').addEventListener('click', () => void load());

  onLiveEvents(['ready', 'catch-up', 'records-changed', 'roster-changed', 'settings-changed'], (event) => {
    if (event.kind === 'ready' || event.kind === 'catch-up') live = true;
    void load();
  });
  setInterval(() => {
    // A stream that closed (a proxy that buffers it, a server that went away) leaves the page on this timer until it opens again.
    if (!liveStreamOpen()) live = false;
    if (document.visibilityState !== 'visible') return;
    if (!live || view === null || Date.now() - lastRead >= LIVE_POLL_MS) void load();
  }, FALLBACK_POLL_MS);
  window.addEventListener('online', () => void load());
  window.addEventListener('offline', () => {
    live = false;
    freshness = { kind: 'offline', time: view ? clockTime(view.asOf, timeZone) : null };
    render();
  });
  render();
  void load();
}
