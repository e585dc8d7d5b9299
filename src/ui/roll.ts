/**
 * The teacher's roll: every student of a homeroom for a session, pre-filled
 * from door scans, marked with one tap. Marks go through the service worker,
 * so they stick offline; each row says where its mark stands.
 */
import { assertRollView } from '../shared/office-guards.ts';
import { DAY_SESSION, type AttendanceStatus } from '../shared/attendance-model.ts';
import type { RollView } from '../shared/office-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { ulid } from '../shared/ulid.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { element } from './dom.ts';
import { dayText } from './format-time.ts';
import { readRollChoice, rollPath, saveRollChoice } from './roll-choice.ts';
import { renderRollRows } from './roll-row.ts';
import { sessionLabel } from '../shared/session-label.ts';
import { needsSignIn, noSchoolText, refusalOf, rollQueueText, rollSummary, sourceText } from './roll-text.ts';
import { call, callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { signInPath } from './staff-pages.ts';
import { followRefusal, requireStaff } from './staff-session.ts';
import { rollNetworkText, STATUS_WORDS } from './staff-text.ts';
import { startFollowingBridge } from './sw-bridge.ts';
import { onLiveEvents } from './live-events.ts';

const list = element<HTMLUListElement>('roll-list');
const groupSelect = element<HTMLSelectElement>('roll-group');
const sessionSelect = element<HTMLSelectElement>('roll-session');
const subtitle = element<HTMLElement>('roll-subtitle');
const source = element<HTMLElement>('roll-source');
const alert = element<HTMLElement>('roll-error');
const network = element<HTMLElement>('roll-network');
const queue = element<HTMLElement>('roll-queue');
const signInAgain = element<HTMLAnchorElement>('roll-sign-in');

let status: WorkerStatus | null = null;

async function start(): Promise<void> {
  const staff = await requireStaff(['teacher', 'office', 'admin'], {
    beforeSignOut: async () =>
      !status ||
      status.waiting === 0 ||
      confirmDialog({
        heading: 'Sign out with marks still waiting?',
        text: `${rollQueueText(status)}. They stay on this device and are sent once someone signs in here again.`,
        confirm: 'Sign out',
        cancel: 'Stay signed in',
      }),
  });
  if (!staff) return;
  const timeZone = staff.school.timeZone;
  const school = staff.school;
  const homerooms = staff.homerooms ?? [];
  let view: RollView | null = null;
  /** Marks posted and not yet answered: a roll read meanwhile would hide them for a moment. */
  let marksInFlight = 0;
  let reads = 0;

  const context = {
    timeZone,
    reasons: school.absenceReasons ?? [],
    refusalOf: (row: RollView['rows'][number]) => refusalOf(row, status),
    onMark: (studentId: string, chosen: AttendanceStatus) => void mark(studentId, chosen),
    onReason: (studentId: string, reason: string) => {
      const row = view?.rows.find((r) => r.studentId === studentId);
      if (row?.status === 'absent' || row?.status === 'excused') void mark(studentId, row.status, reason);
    },
  };

  function render(): void {
    if (!view) return;
    const current = view;
    groupSelect.replaceChildren(...current.groups.map((g) => new Option(g, g, false, g === current.group)));
    sessionSelect.replaceChildren(...current.sessions.map((s) => new Option(sessionLabel(s), s, false, s === current.session)));
    // A school with no students yet has no homeroom to name.
    subtitle.textContent = [
      current.group,
      sessionLabel(current.session),
      dayText(current.date),
      noSchoolText(current.date, school),
      rollSummary(current),
    ]
      .filter((part) => part !== '')
      .join(' · ');
    source.textContent = sourceText(current);
    renderRollRows(list, current.rows, context);
  }

  async function load(): Promise<void> {
    const read = ++reads;
    const choice = readRollChoice(localStorage);
    // Nothing chosen on this device yet: a teacher's roll opens on their own first homeroom, from the server or the worker alike.
    const first = choice.group === null ? homerooms[0] : undefined;
    const answer = await callChecked(rollPath(first === undefined ? choice : { ...choice, group: first }), assertRollView);
    // Only the latest read counts, and none while a mark is on its way.
    if (read !== reads || marksInFlight > 0) return;
    if (!answer.ok) {
      if (followRefusal(answer)) return;
      // The session this device last opened is no longer one of the school's periods (its timetable changed): the whole day instead.
      const choice = readRollChoice(localStorage);
      if (answer.code === 'invalid-query' && answer.details.path === '$query.session' && choice.session !== DAY_SESSION) {
        saveRollChoice(localStorage, { ...choice, session: DAY_SESSION });
        void load();
        return;
      }
      alert.textContent =
        answer.code === 'network-error'
          ? view
            ? 'Offline: the roll shows what this device last saw.'
            : "This device is offline and has not loaded today's roll yet: it shows the roll once it reaches the server."
          : `The roll could not be loaded: ${refusalText(answer)}`;
      return;
    }
    alert.textContent = '';
    view = answer.body;
    render();
  }

  /** `reason`: the code chosen for an absence ('' for none); a tap on Absent or Excused keeps the row's reason, if it has one. */
  async function mark(studentId: string, chosen: AttendanceStatus, reason?: string): Promise<void> {
    const row = view?.rows.find((r) => r.studentId === studentId);
    if (!view || !row) return;
    // Tapping the mark this device already made again changes nothing.
    if (reason === undefined && row.status === chosen && row.mark?.status === chosen && row.mark.state !== 'rejected') return;
    const away = chosen === 'absent' || chosen === 'excused';
    const because = away ? (reason ?? row.reason ?? '') : '';
    const now = Date.now();
    const opId = ulid(now, (bytes) => crypto.getRandomValues(bytes));
    const body = {
      v: PROTOCOL_VERSION,
      opId,
      kind: 'status',
      studentId,
      at: now,
      session: view.session,
      status: chosen,
      ...(because === '' ? {} : { reason: because }),
      base: row.version,
    };
    // Shown at once; the worker's copy (or the server) confirms on the next read.
    row.status = chosen;
    if (because === '') {
      delete row.reason;
      delete row.reasonText;
    } else {
      row.reason = because;
      row.reasonText = school.absenceReasons?.find((r) => r.code === because)?.label ?? row.reasonText ?? because;
    }
    row.mark = { opId, status: chosen, state: 'waiting', conflictId: null };
    render();
    marksInFlight++;
    const answer = await call('/api/marks', { method: 'POST', body }).finally(() => marksInFlight--);
    if (!answer.ok) {
      if (followRefusal(answer)) return;
      // The session this device last opened is no longer one of the school's periods (its timetable changed): the whole day instead.
      const choice = readRollChoice(localStorage);
      if (answer.code === 'invalid-query' && answer.details.path === '$query.session' && choice.session !== DAY_SESSION) {
        saveRollChoice(localStorage, { ...choice, session: DAY_SESSION });
        void load();
        return;
      }
      alert.textContent = `${row.name} was not marked ${STATUS_WORDS[chosen]}: ${refusalText(answer)}`;
    } else alert.textContent = '';
    bridge.syncNow();
    await load();
  }

  function choose(): void {
    saveRollChoice(localStorage, { group: groupSelect.value, session: sessionSelect.value });
    void load();
  }
  groupSelect.addEventListener('change', choose);
  sessionSelect.addEventListener('change', choose);

  function renderStatus(): void {
    network.textContent = rollNetworkText(navigator.onLine, status);
    network.dataset.state = navigator.onLine && status?.phase !== 'waiting-for-network' ? 'online' : 'offline';
    queue.textContent = rollQueueText(status, navigator.onLine);
    signInAgain.hidden = !needsSignIn(status);
    signInAgain.href = signInPath('/roll');
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
    void load();
  });
  window.addEventListener('offline', renderStatus);
  onLiveEvents(['records-changed', 'roster-changed', 'catch-up'], () => void load());
  // New periods: the device pulls the news (and reads the settings again), then the roll reads its sessions anew.
  onLiveEvents(['settings-changed'], () => {
    bridge.syncNow();
    void load();
  });
  renderStatus();
  await load();
  // The first visit is answered by the server; once the worker controls the page, read the device's copy.
  void bridge.whenControlled().then(load);
}

void start();
