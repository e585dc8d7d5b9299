/** The School settings page: an admin changes the settings of the school their session acts for. */
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { assertSchoolSettingsView } from '../shared/school-settings.ts';
import { element } from './dom.ts';
import { schoolForm } from './school-form.ts';
import { callChecked } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

const slot = element<HTMLElement>('school-form');
const status = element<HTMLElement>('school-status');
const alert = element<HTMLElement>('school-error');

async function start(): Promise<void> {
  const staff = await requireStaff(['admin']);
  if (!staff) return;
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

void start();
