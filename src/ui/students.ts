/**
 * The students page (office and admin): find a student by name or ID, add
 * one, change one, mark one as left or bring them back. Every change reaches
 * the kiosks' roster through the server; this page only asks and shows.
 */
import type { StudentList, StudentView } from '../shared/people-protocol.ts';
import { PROTOCOL_VERSION } from '../shared/protocol.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { element, make } from './dom.ts';
import { studentCountText, studentStateText } from './people-text.ts';
import { rowButton } from './row-button.ts';
import { callChecked, type Refused } from './staff-api.ts';
import { refusalText } from './staff-errors.ts';
import { assertStudentAnswer, assertStudentList } from './staff-guards.ts';
import { followRefusal, requireStaff } from './staff-session.ts';

const searchForm = element<HTMLFormElement>('search-form');
const search = element<HTMLInputElement>('search');
const includeLeft = element<HTMLInputElement>('include-left');
const count = element<HTMLElement>('students-count');
const body = element<HTMLTableSectionElement>('students');
const form = element<HTMLFormElement>('student-form');
const formHeading = element<HTMLElement>('student-form-heading');
const submit = element<HTMLButtonElement>('student-submit');
const cancel = element<HTMLButtonElement>('student-cancel');
const alert = element<HTMLElement>('students-error');
const status = element<HTMLElement>('students-status');
const fields = {
  studentId: element<HTMLInputElement>('card-number'),
  givenName: element<HTMLInputElement>('given-name'),
  familyName: element<HTMLInputElement>('family-name'),
  homeroom: element<HTMLInputElement>('homeroom'),
  grade: element<HTMLInputElement>('grade'),
};

function showRefusal(answer: Refused, doing: string): void {
  if (followRefusal(answer)) return;
  alert.textContent = `${doing}: ${refusalText(answer)}`;
}

async function start(): Promise<void> {
  const staff = await requireStaff(['office', 'admin']);
  if (!staff) return;
  const timeZone = staff.school.timeZone;
  /** The student being changed, or null while the form adds one. */
  let editing: StudentView | null = null;

  function studentRow(student: StudentView): HTMLTableRowElement {
    const row = make('tr', { className: student.leftAt === null ? '' : 'left', attrs: { 'aria-label': student.name } });
    const edit = rowButton('Edit', student.name, () => startEditing(student));
    const leave =
      student.leftAt === null
        ? rowButton('Mark as left', student.name, () => void setLeft(student, true))
        : rowButton('Bring back', student.name, () => void setLeft(student, false));
    row.append(
      make('th', { text: student.name, attrs: { scope: 'row' } }),
      make('td', { text: student.id }),
      make('td', { text: student.homeroom }),
      make('td', { text: student.grade ?? '—' }),
      make('td', { text: studentStateText(student, timeZone, Date.now()) }),
      make('td', {}, [make('div', { className: 'row-actions' }, [edit, leave])]),
    );
    return row;
  }

  function render(list: StudentList, searched: boolean): void {
    body.replaceChildren(...list.students.map(studentRow));
    count.textContent = studentCountText(list.students.length, list.more, searched);
    const datalist = element<HTMLDataListElement>('homeroom-list');
    datalist.replaceChildren(...list.homerooms.map((h) => new Option(h, h)));
  }

  async function load(): Promise<void> {
    const query = new URLSearchParams({ q: search.value.trim() });
    if (includeLeft.checked) query.set('include', 'left');
    const answer = await callChecked(`/api/students?${query}`, assertStudentList);
    if (!answer.ok) {
      showRefusal(answer, 'The students could not be loaded');
      return;
    }
    render(answer.body, search.value.trim() !== '');
  }

  function resetForm(): void {
    editing = null;
    form.reset();
    formHeading.textContent = 'Add a student';
    submit.textContent = 'Add the student';
    cancel.hidden = true;
  }

  function startEditing(student: StudentView): void {
    editing = student;
    fields.studentId.value = student.id;
    fields.givenName.value = student.givenName;
    fields.familyName.value = student.familyName;
    fields.homeroom.value = student.homeroom;
    fields.grade.value = student.grade ?? '';
    formHeading.textContent = `Edit ${student.name}`;
    submit.textContent = 'Save the changes';
    cancel.hidden = false;
    formHeading.focus();
  }

  async function setLeft(student: StudentView, left: boolean): Promise<void> {
    if (left) {
      const sure = await confirmDialog({
        heading: `Mark ${student.name} as left?`,
        text: `${student.name} comes off the kiosks’ roster: their card is no longer accepted at the door. Their attendance history is kept, and they can be brought back.`,
        confirm: 'Mark as left',
      });
      if (!sure) return;
    }
    alert.textContent = '';
    const answer = await callChecked(`/api/students/${encodeURIComponent(student.id)}/${left ? 'leave' : 'return'}`, assertStudentAnswer, {
      method: 'POST',
    });
    if (!answer.ok) showRefusal(answer, `${student.name} was not changed`);
    else status.textContent = left ? `${student.name} is marked as left.` : `${student.name} is back on the roster.`;
    await load();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    alert.textContent = '';
    status.textContent = '';
    const grade = fields.grade.value.trim();
    const values = {
      studentId: fields.studentId.value.trim(),
      givenName: fields.givenName.value.trim(),
      familyName: fields.familyName.value.trim(),
      homeroom: fields.homeroom.value.trim(),
    };
    const before = editing;
    submit.disabled = true;
    void (async () => {
      try {
        const answer = before
          ? await callChecked(`/api/students/${encodeURIComponent(before.id)}`, assertStudentAnswer, {
              method: 'POST',
              body: { v: PROTOCOL_VERSION, ...values, grade: grade === '' ? null : grade },
            })
          : await callChecked('/api/students', assertStudentAnswer, {
              method: 'POST',
              body: { v: PROTOCOL_VERSION, ...values, ...(grade === '' ? {} : { grade }) },
            });
        if (!answer.ok) {
          showRefusal(answer, before ? `${before.name} was not changed` : 'The student was not added');
          return;
        }
        const student = answer.body.student;
        status.textContent = before ? `${student.name} is saved.` : `${student.name} is added, with ID ${student.id}.`;
        resetForm();
        search.value = student.id;
        await load();
        // Ready for the next student; the status line has said what happened.
        fields.studentId.focus();
      } finally {
        submit.disabled = false;
      }
    })();
  });
  cancel.addEventListener('click', () => {
    resetForm();
    formHeading.focus();
  });
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    alert.textContent = '';
    void load();
  });
  includeLeft.addEventListener('change', () => void load());

  await load();
}

void start();
