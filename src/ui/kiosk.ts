/** The door kiosk page: one input, one answer, and how the outbox stands. */
import { DoorlineError } from '../shared/error-codes.ts';
import type { KioskConfig } from '../shared/protocol.ts';
import type { WorkerStatus } from '../shared/worker-messages.ts';
import { checkIn, loadKioskConfig } from './api.ts';
import {
  FAILURE_MESSAGE,
  answerMessage,
  deadLetterHeading,
  deadLetterLines,
  networkText,
  progressFraction,
  queueText,
  readinessText,
  refusalMessage,
  storageWarning,
  type Message,
} from './kiosk-text.ts';
import { startBridge } from './sw-bridge.ts';

/** How long an answer stays on screen before the kiosk is ready-looking again. */
const ANSWER_SHOWN_MS = 8000;

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
const deadLetters = element<HTMLDetailsElement>('dead-letters');
const deadLettersHeading = element<HTMLElement>('dead-letters-heading');
const deadLettersList = element<HTMLUListElement>('dead-letters-list');
const storage = element<HTMLElement>('storage-warning');

let config: KioskConfig | null = null;
let status: WorkerStatus | null = null;
let clearTimer: ReturnType<typeof setTimeout> | undefined;

function renderStatus(): void {
  network.textContent = networkText(navigator.onLine, status);
  network.dataset.state = navigator.onLine && status?.phase !== 'waiting-for-network' ? 'online' : 'offline';
  queue.textContent = queueText(status);
  readiness.textContent = readinessText(status);
  const fraction = progressFraction(status);
  progress.hidden = fraction === null;
  progress.value = fraction ?? 0;
  const heading = deadLetterHeading(status);
  deadLetters.hidden = heading === '';
  deadLettersHeading.textContent = heading;
  deadLettersList.replaceChildren(
    ...deadLetterLines(status).map((line) => {
      const item = document.createElement('li');
      item.textContent = line;
      return item;
    }),
  );
  const warning = storageWarning(status);
  storage.hidden = warning === null;
  storage.textContent = warning ?? '';
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

async function loadConfig(): Promise<KioskConfig | null> {
  try {
    config = await loadKioskConfig();
    schoolName.textContent = config.school.name;
    kioskName.textContent = config.kiosk.name;
    document.title = `${config.kiosk.name} — Doorline`;
  } catch (error) {
    const code = error instanceof DoorlineError ? error.code : 'network-error';
    show({ headline: 'This kiosk is not set up yet', detail: `Connect it to the network once to load the school's roster (${code}).`, tone: 'error' });
  }
  return config;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const studentId = input.value.trim();
  input.value = '';
  input.focus();
  if (studentId === '') return;
  void (async () => {
    const kiosk = config ?? (await loadConfig());
    if (!kiosk) return;
    try {
      const outcome = await checkIn(kiosk.kiosk.id, studentId);
      show(outcome.kind === 'answer' ? answerMessage(outcome.answer) : refusalMessage(outcome.code, outcome.studentId));
    } catch {
      show(FAILURE_MESSAGE);
    }
  })();
});

// A kiosk keeps its cursor in the input, so a scanner always types into it.
document.addEventListener('click', () => input.focus());
window.addEventListener('online', renderStatus);
window.addEventListener('offline', renderStatus);

const bridge = startBridge((next) => {
  status = next;
  renderStatus();
});
renderStatus();
void loadConfig();
void bridge.whenControlled().then(() => {
  // The first visit is served by the network; once the worker controls the page, reload what it cached.
  if (!config) void loadConfig();
});
