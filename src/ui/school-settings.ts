/** The School settings page: an admin changes the settings of the school their session acts for. */
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { assertRetentionView } from '../shared/retention.ts';
import { assertSchoolSettingsView } from '../shared/school-settings.ts';
import { element } from './dom.ts';
import { longDate, retentionForm } from './retention-form.ts';
import { schoolForm } from './school-form.ts';
import { callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

const slot = element<HTMLElement>('school-form');
const status = element<HTMLElement>('school-status');
const alert = element<HTMLElement>('school-error');
const keepingSlot = element<HTMLElement>('retention-form');
const keepingStatus = element<HTMLElement>('retention-status');
const keepingAlert = element<HTMLElement>('retention-error');

async function start(): Promise<void> {
  const staff = await requireStaff(['admin']);
  if (!staff) return;
  void startKeeping();
  const answer = await callChecked('/api/school/settings', assertSchoolSettingsView);
  if (!answer.ok) {
    if (followRefusal(answer)) return;
    status.textContent = '';
    alert.textContent = `The settings could not be loaded: ${refusalText(answer)}`;
    return;
  }
  status.textContent = '';
  const school = schoolForm(answer.body.settings, 'Save the settings');
  slot.replaceChildren(school.form);
  school.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (school.form.getAttribute('aria-busy') === 'true') return;
    alert.textContent = '';
    status.textContent = '';
    school.clearInvalid();
    school.form.setAttribute('aria-busy', 'true');
    void callChecked('/api/school/settings', assertSchoolSettingsView, { method: 'POST', body: { v: PROTOCOL_VERSION, ...school.read() } })
      .then((saved) => {
        if (!saved.ok) {
          if (followRefusal(saved)) return;
          alert.textContent = refusalText(saved);
          school.markInvalid(typeof saved.details.path === 'string' ? saved.details.path : undefined, 'school-error');
          return;
        }
        status.textContent = 'Saved. Kiosks and staff devices take the new settings the next time they reach the server.';
      })
      .finally(() => school.form.removeAttribute('aria-busy'));
  });
}

/** How long the school keeps its records: its own form and answer, so a problem in one never hides the other. */
async function startKeeping(): Promise<void> {
  const answer = await callChecked('/api/school/retention', assertRetentionView);
  if (!answer.ok) {
    if (followRefusal(answer)) return;
    keepingAlert.textContent = `How long records are kept could not be loaded: ${refusalText(answer)}`;
    return;
  }
  const keeping = retentionForm(answer.body);
  keepingSlot.replaceChildren(keeping.form);
  keeping.form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (keeping.form.getAttribute('aria-busy') === 'true') return;
    keepingAlert.textContent = '';
    keepingStatus.textContent = '';
    keeping.form.setAttribute('aria-busy', 'true');
    void callChecked('/api/school/retention', assertRetentionView, { method: 'POST', body: { v: PROTOCOL_VERSION, ...keeping.read() } })
      .then((saved) => {
        if (!saved.ok) {
          if (followRefusal(saved)) return;
          keepingAlert.textContent = refusalText(saved);
          return;
        }
        keeping.show(saved.body);
        keepingStatus.textContent = `Saved. ${keptSentence(saved.body.keptFrom)}`;
      })
      .finally(() => keeping.form.removeAttribute('aria-busy'));
  });
}

const keptSentence = (keptFrom: string): string => `Records from before ${longDate(keptFrom)} will be deleted within six hours.`;

void start();
