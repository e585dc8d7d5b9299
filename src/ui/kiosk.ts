/** The door kiosk page: one input, one answer, and how the outbox stands. */
import { DoorlineError } from '../shared/error-codes.ts';
import type { KioskConfig } from '../shared/protocol.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { checkIn, loadKioskConfig, pairThisKiosk } from './api.ts';
import {
  FAILURE_MESSAGE,
  answerMessage,
  leavingText,
  networkText,
  pairingError,
  progressFraction,
  queueText,
  readinessText,
  refusalMessage,
  storageWarning,
  unpairedDetail,
  type Message,
} from './kiosk-text.ts';
import { startBridge } from './sw-bridge.ts';
import type * as CameraModule from './kiosk-camera.ts';

/** How long an answer stays on screen before the kiosk is ready-looking again. */
const ANSWER_SHOWN_MS = 8000;
/** How long the kiosk waits for a student leaving early to scan before it checks students in again. */
const LEAVING_MS = 20_000;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The kiosk page is missing #${id}`);
  return found as T;
}

const form = element<HTMLFormElement>('check-in-form');
const input = element<HTMLInputElement>('student-id');
const result = element<HTMLElement>('result');
const headline = element<HTMLElement>('result-headline');
const detail = element<HTMLElement>('result-detail');
const network = element<HTMLElement>('network');
const queue = element<HTMLElement>('queue');
const readiness = element<HTMLElement>('readiness');
const schoolName = element<HTMLElement>('school-name');
const kioskName = element<HTMLElement>('kiosk-name');
const progress = element<HTMLProgressElement>('sync-progress');
const storage = element<HTMLElement>('storage-warning');
const setup = element<HTMLElement>('setup');
const pairForm = element<HTMLFormElement>('pair-form');
const pairingCode = element<HTMLInputElement>('pairing-code');
const setupMessage = element<HTMLElement>('setup-message');
const unpaired = element<HTMLElement>('unpaired');
const unpairedText = element<HTMLElement>('unpaired-detail');
const pairAgain = element<HTMLButtonElement>('pair-again');
const mode = element<HTMLElement>('mode');
const leave = element<HTMLButtonElement>('leave');
const reasons = element<HTMLElement>('reasons');
const submit = form.querySelector('button')!;

/** ready: taking check-ins. setup: waiting for a pairing code. unpaired: revoked; offers its queue as a file. */
type Screen = 'ready' | 'setup' | 'unpaired';
let screen: Screen = 'ready';

function showScreen(next: Screen): void {
  screen = next;
  setup.hidden = next !== 'setup';
  unpaired.hidden = next !== 'unpaired';
  form.hidden = next !== 'ready';
  if (next === 'setup') pairingCode.focus();
  if (next === 'ready') input.focus();
  renderStatus();
}

let config: KioskConfig | null = null;
let status: WorkerStatus | null = null;
let clearTimer: ReturnType<typeof setTimeout> | undefined;

/** A student leaving early who has said why: the CHECK_OUT_REASONS code and its words on the page. */
interface Leaving {
  code: string;
  words: string;
}
let leaving: Leaving | null = null;
/** A student leaving early is choosing why: a scan now checks them out, with no reason. */
let picking = false;
let leavingTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * The kiosk's modes: its own direction (check in at an entrance, check out
 * with no reason at an exit); `choosing` a reason (a scan then checks out,
 * with none); or checking out with the reason `chosen`. Out of its own direction it goes back after one scan,
 * Cancel, Escape or LEAVING_MS, so the next student is not checked out by mistake.
 */
function setMode(choosing: boolean, chosen: Leaving | null = null): void {
  const exit = config?.kiosk?.direction === 'exit';
  picking = choosing;
  leaving = chosen;
  const away = choosing || chosen !== null;
  mode.hidden = !away;
  mode.textContent = chosen ? leavingText(chosen.words) : 'Why are you leaving? Choose, or scan your card to check out.';
  reasons.hidden = !choosing;
  leave.textContent = away ? 'Cancel' : exit ? 'Give a reason' : 'Leaving early';
  submit.textContent = exit || away ? 'Check out' : 'Check in';
  clearTimeout(leavingTimer);
  // The last answer is another student's: it must not read as this mode's.
  if (away) {
    result.hidden = true;
    leavingTimer = setTimeout(ownDirection, LEAVING_MS);
  }
}

function ownDirection(): void {
  setMode(false);
  input.focus();
}

function renderStatus(): void {
  network.textContent = networkText(navigator.onLine, status);
  network.dataset.state = navigator.onLine && status?.phase !== 'waiting-for-network' ? 'online' : 'offline';
  queue.textContent = queueText(status, navigator.onLine);
  readiness.textContent = readinessText(status);
  const fraction = progressFraction(status);
  progress.hidden = fraction === null;
  progress.value = fraction ?? 0;
  const warning = storageWarning(status);
  storage.hidden = warning === null;
  storage.textContent = warning ?? '';
  unpairedText.textContent = unpairedDetail(status);
  if (status?.phase === 'held' && status.lastError === 'device-revoked' && screen === 'ready') showScreen('unpaired');
}

function show(message: Message): void {
  headline.textContent = message.headline;
  detail.textContent = message.detail;
  result.dataset.tone = message.tone;
  result.hidden = false;
  clearTimeout(clearTimer);
  clearTimer = setTimeout(() => {
    result.hidden = true;
  }, ANSWER_SHOWN_MS);
}

let camera = false;

function useConfig(next: KioskConfig): void {
  config = next;
  // The reader is its own bundle, named in the page (build.mjs), so a kiosk on the keyboard never loads it.
  const reader = document.querySelector<HTMLMetaElement>('meta[name=camera-reader]')?.content;
  if (next.kiosk?.scanMode === 'camera' && !camera && reader) {
    camera = true;
    // A reader that could not load (offline before it was ever kept) is asked for again with the next configuration.
    import(reader).then(
      (m: typeof CameraModule) => m.startCamera({ before: form, submit: checkStudent }),
      () => (camera = false),
    );
  }
  schoolName.textContent = next.school.name;
  kioskName.textContent = next.kiosk?.name ?? 'Door kiosk';
  setMode(false);
  document.title = `${next.kiosk?.name ?? 'Kiosk'} — Doorline`;
}

async function loadConfig(): Promise<KioskConfig | null> {
  try {
    const loaded = await loadKioskConfig();
    // A browser where only a person is signed in is not a kiosk until it is paired.
    if (loaded.kiosk === null) {
      showScreen('setup');
      return null;
    }
    useConfig(loaded);
    if (screen === 'setup') showScreen('ready');
  } catch (error) {
    const code = error instanceof DoorlineError ? error.code : 'network-error';
    if (code === 'device-revoked') showScreen('unpaired');
    else if (code === 'not-signed-in' || code === 'session-expired' || code === 'device-unpaired' || code === 'device-unauthorized')
      showScreen('setup');
    else
      show({
        headline: 'This kiosk is not set up yet',
        detail: `Connect it to the network once to load the school's roster (${code}).`,
        tone: 'error',
      });
  }
  return config;
}

pairForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = pairingCode.value.trim();
  if (code === '') return;
  setupMessage.textContent = 'Pairing…';
  void (async () => {
    // Only the worker may hold the device token, so pairing waits until it controls the page.
    await bridge.whenControlled();
    const outcome = await pairThisKiosk(code);
    if (outcome.kind === 'paired') {
      pairingCode.value = '';
      setupMessage.textContent = '';
      useConfig(outcome.config);
      showScreen('ready');
      bridge.syncNow();
    } else setupMessage.textContent = pairingError(outcome.code);
  })();
});

pairAgain.addEventListener('click', () => showScreen('setup'));

// The worker builds the file from what it holds; the page saves it under the worker's file name.
element<HTMLAnchorElement>('export-queue').addEventListener('click', (event) => {
  event.preventDefault();
  void (async () => {
    const response = await fetch('/api/queue-export', { cache: 'no-store' });
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'doorline-kiosk.json';
    const url = URL.createObjectURL(await response.blob());
    const save = Object.assign(document.createElement('a'), { href: url, download: name });
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  })();
});

/** A typed, scanned or camera-read ID: checks the student in and shows the answer. */
function checkStudent(studentId: string): void {
  if (studentId === '') return;
  const why = leaving;
  const out = picking || why !== null;
  if (!mode.hidden) ownDirection();
  void (async () => {
    const kiosk = config ?? (await loadConfig());
    if (!kiosk) return;
    try {
      const exit = kiosk.kiosk?.direction === 'exit' || out;
      const outcome = await checkIn(kiosk.kiosk?.id, studentId, Date.now(), exit ? 'check-out' : 'check-in', why?.code);
      show(outcome.kind === 'answer' ? answerMessage(outcome.answer, exit, why?.words) : refusalMessage(outcome.code, outcome.studentId));
    } catch {
      show(FAILURE_MESSAGE);
    }
  })();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const studentId = input.value.trim();
  input.value = '';
  input.focus();
  checkStudent(studentId);
});

leave.addEventListener('click', () => {
  if (!mode.hidden) return ownDirection();
  setMode(true);
  reasons.querySelector('button')!.focus();
});

reasons.addEventListener('click', (event) => {
  const chosen = (event.target as Element).closest('button');
  if (!chosen) return;
  setMode(false, { code: chosen.value, words: chosen.textContent! });
  input.focus();
});

// A kiosk keeps its cursor in the input, so a scanner always types into it; its own buttons move it themselves.
document.addEventListener('click', (event) => {
  if (screen === 'ready' && !(event.target as Element).closest('a,button')) input.focus();
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !mode.hidden) ownDirection();
  // Focus moved on keydown takes the key's character with it: a scan while a button has the focus still reaches the field.
  else if (screen === 'ready' && event.key.length === 1 && event.key !== ' ' && document.activeElement !== input) input.focus();
});
window.addEventListener('online', renderStatus);
window.addEventListener('offline', renderStatus);

const bridge = startBridge((next) => {
  status = next;
  renderStatus();
});
renderStatus();

/**
 * No worker has ever been active for this page: nothing can have paired this
 * browser (its worker keeps the token), so the server could only say "not
 * paired", at a request's cost on a new kiosk's first minute.
 */
async function neverPaired(): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  const registration = await navigator.serviceWorker.getRegistration().catch(() => null);
  return registration !== null && !registration?.active;
}

void neverPaired().then(async (fresh) => {
  if (fresh) showScreen('setup');
  else await loadConfig();
});
void bridge.whenControlled().then(() => {
  // The first visit is served by the network; once the worker controls the page, reload what it cached.
  // A kiosk waiting for its pairing code was told so by the server itself: asking again would only repeat it.
  if (!config && screen !== 'setup') void loadConfig();
});
