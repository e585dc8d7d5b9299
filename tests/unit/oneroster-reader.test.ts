import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unzipExport } from '../../src/server/roster/export-files.ts';
import { readOneRoster } from '../../src/server/roster/oneroster-reader.ts';
import { readPlainCsv, sampleCsv } from '../../src/server/roster/plain-csv-reader.ts';
import { readCsv } from '../../src/server/roster/read-csv.ts';
import { ALL_QUIRKS, exportFiles, makeExport, withFile, zipExport } from '../support/roster-export.ts';

const codes = (problems: Array<{ code: string }>): string[] => problems.map((p) => p.code);

describe('reading a OneRoster export', () => {
  it('reads students, homerooms and staff the same with every quirk of a real export', () => {
    const fixture = makeExport({ students: 48 });
    const plain = readOneRoster(exportFiles(fixture));
    const messy = readOneRoster(exportFiles(fixture, ALL_QUIRKS));
    expect(plain.problems).toEqual([]);
    expect(messy).toEqual(plain);
    const [school] = messy.schools;
    expect(school?.sourceId).toBe('org-A');
    expect(school?.name).toBe('Northfield Academy');
    expect(school?.students).toHaveLength(48);
    expect(school?.homerooms.map((h) => h.name)).toEqual(['7A', '8A', '9A', '10A']);
    const quoted = school?.students.find((s) => s.familyName === 'Da "Doc" Silva');
    expect(quoted).toMatchObject({ homeroom: expect.any(String), grade: expect.stringMatching(/^\d\d$/) });
    expect(school?.students.find((s) => s.familyName === 'Núñez, Jr.')?.givenName).toBe('Zoë');
    expect(school?.staff?.find((s) => s.role === 'admin')).toMatchObject({ email: 'head.a@northfield.example', homerooms: [] });
    expect(school?.staff?.filter((s) => s.role === 'teacher').map((s) => s.homerooms)).toEqual([['7A'], ['8A'], ['9A'], ['10A']]);
  });

  it('finds the files inside a folder of a zip', () => {
    const files = exportFiles(makeExport());
    const unzipped = unzipExport(zipExport(files, 'export-2026-09-01/'));
    expect(readOneRoster(unzipped ?? new Map())).toEqual(readOneRoster(files));
    expect(unzipExport(strToU8('not a zip'))).toBeNull();
  });

  it('leaves out users who are not enabled or are to be deleted, as leaving', () => {
    const fixture = makeExport({ students: 6 });
    const [school] = fixture.schools;
    if (!school) throw new Error('no school');
    school.students[0] = { ...(school.students[0] as (typeof school.students)[0]), status: 'tobedeleted' };
    school.students[1] = { ...(school.students[1] as (typeof school.students)[0]), enabledUser: false };
    const read = readOneRoster(exportFiles(fixture));
    expect(read.schools[0]?.students).toHaveLength(4);
    expect(read.schools[0]?.leavingStudents).toEqual(['stu-A-1', 'stu-A-2']);
  });

  it('limits the import to the school named by --school, by name or sourcedId', () => {
    const files = exportFiles(makeExport({ schools: 2, students: 3 }));
    expect(readOneRoster(files).schools).toHaveLength(2);
    expect(readOneRoster(files, { school: 'Northfield School B' }).schools.map((s) => s.sourceId)).toEqual(['org-B']);
    expect(readOneRoster(files, { school: 'org-A' }).schools.map((s) => s.sourceId)).toEqual(['org-A']);
    expect(codes(readOneRoster(files, { school: 'Elsewhere' }).problems)).toEqual(['unknown-school']);
  });

  const files = exportFiles(makeExport({ students: 4 }));
  const text = (name: string): string => new TextDecoder().decode(files.get(name));
  const cases: Array<[string, Map<string, Uint8Array>, { code: string; file: string; row: number | null; column: string | null }]> = [
    [
      'a missing identifier',
      withFile(files, 'users.csv', text('users.csv').replace(',500002,', ',,')),
      { code: 'missing-identifier', file: 'users.csv', row: 3, column: 'identifier' },
    ],
    [
      'a duplicate identifier',
      withFile(files, 'users.csv', text('users.csv').replace(',500002,', ',500001,')),
      { code: 'duplicate-identifier', file: 'users.csv', row: 3, column: 'identifier' },
    ],
    [
      'an empty givenName',
      withFile(files, 'users.csv', text('users.csv').replace(',Seán,', ',,')),
      { code: 'missing-given-name', file: 'users.csv', row: 3, column: 'givenName' },
    ],
    [
      'an empty familyName',
      withFile(files, 'users.csv', text('users.csv').replace(",Seán,O'Brien,", ',Seán,,')),
      { code: 'missing-family-name', file: 'users.csv', row: 3, column: 'familyName' },
    ],
    [
      'an enrollment naming an unknown class',
      withFile(files, 'enrollments.csv', text('enrollments.csv').replace('class-A-hr-1,', 'class-gone,')),
      { code: 'unknown-class', file: 'enrollments.csv', row: 2, column: 'classSourcedId' },
    ],
    [
      'an enrollment naming an unknown user',
      withFile(files, 'enrollments.csv', text('enrollments.csv').replace(',stu-A-1,', ',stu-gone,')),
      { code: 'unknown-user', file: 'enrollments.csv', row: 2, column: 'userSourcedId' },
    ],
    [
      'a user in an unknown org',
      withFile(files, 'users.csv', text('users.csv').replace(/,org-A,student/, ',org-gone,student')),
      { code: 'unknown-org', file: 'users.csv', row: 2, column: 'orgSourcedIds' },
    ],
    [
      'a file that is not UTF-8',
      withFile(files, 'users.csv', new Uint8Array([...strToU8('sourcedId,givenName\nx,'), 0xe9, 0x0a])),
      { code: 'not-utf8', file: 'users.csv', row: 2, column: null },
    ],
    [
      'a missing file',
      new Map([...files].filter(([name]) => name !== 'classes.csv')),
      { code: 'missing-file', file: 'classes.csv', row: null, column: null },
    ],
    [
      'a missing column',
      withFile(files, 'users.csv', text('users.csv').replace('identifier', 'card')),
      { code: 'missing-column', file: 'users.csv', row: 1, column: 'identifier' },
    ],
    [
      'a delta export',
      withFile(files, 'manifest.csv', text('manifest.csv').replace('file.users,bulk', 'file.users,delta')),
      { code: 'not-bulk', file: 'manifest.csv', row: 8, column: 'value' },
    ],
    [
      'a quote left open',
      withFile(files, 'orgs.csv', text('orgs.csv') + '"org-x,active\n'),
      { code: 'bad-csv', file: 'orgs.csv', row: expect.any(Number) as unknown as number, column: null },
    ],
    [
      'a row without sourcedId',
      withFile(files, 'classes.csv', text('classes.csv').replace('class-A-hr-2,', ',')),
      { code: 'missing-sourced-id', file: 'classes.csv', row: 3, column: 'sourcedId' },
    ],
    [
      'a staff member without email',
      withFile(files, 'users.csv', text('users.csv').replaceAll('teacher1.a@northfield.example', '')),
      { code: 'missing-email', file: 'users.csv', row: 6, column: 'email' },
    ],
  ];
  it.each(cases)('reports %s with its file, row and column', (_name, broken, expected) => {
    const { problems } = readOneRoster(broken);
    expect(problems).toContainEqual(expect.objectContaining(expected));
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });
});

describe('reading CSV', () => {
  it('reads a byte-order mark, CRLF, quoted commas and quotes, and ragged rows', () => {
    const read = readCsv('x.csv', strToU8('\uFEFF"ID","Name"\r\n"1","O\'Brien, ""Jo"""\r\n2\r\n\r\n'));
    expect(read).toEqual({
      ok: true,
      table: {
        file: 'x.csv',
        header: ['ID', 'Name'],
        rows: [
          { id: '1', name: 'O\'Brien, "Jo"' },
          { id: '2', name: '' },
        ],
      },
    });
  });
});

describe('reading a plain CSV with a column mapping', () => {
  const csv = strToU8(
    '\uFEFFPupil No;Forename,Surname,Form,Year\r\n'.replace(';', ',') + '9001,Zoë,"Núñez, Jr.",7A,7\r\n9002,Seán,O\'Brien,7B,\r\n',
  );
  it('shows the header and first rows to map', () => {
    expect(sampleCsv(csv).sample).toEqual({
      header: ['Pupil No', 'Forename', 'Surname', 'Form', 'Year'],
      rows: [
        ['9001', 'Zoë', 'Núñez, Jr.', '7A', '7'],
        ['9002', 'Seán', "O'Brien", '7B', ''],
      ],
      rowCount: 2,
    });
  });
  it('reads the students with the mapping, leaving unmapped fields alone', () => {
    const read = readPlainCsv(
      csv,
      { studentId: 'Pupil No', givenName: 'Forename', familyName: 'Surname', homeroom: 'Form' },
      { name: 'X' },
    );
    expect(read.problems).toEqual([]);
    expect(read.schools[0]?.students.map((s) => [s.studentNumber, s.givenName, s.familyName, s.homeroom, s.grade])).toEqual([
      ['9001', 'Zoë', 'Núñez, Jr.', '7A', undefined],
      ['9002', 'Seán', "O'Brien", '7B', undefined],
    ]);
  });
  it('refuses a mapping to a column the file lacks, and duplicate IDs', () => {
    expect(codes(readPlainCsv(csv, { studentId: 'ID', givenName: 'Forename', familyName: 'Surname' }, { name: 'X' }).problems)).toEqual([
      'missing-column',
    ]);
    const empty = strToU8('ID,First,Last\n1,,B\n2,A,\n');
    expect(readPlainCsv(empty, { studentId: 'ID', givenName: 'First', familyName: 'Last' }, { name: 'X' }).problems).toEqual([
      expect.objectContaining({ code: 'missing-given-name', file: 'roster.csv', row: 2, column: 'First' }),
      expect.objectContaining({ code: 'missing-family-name', file: 'roster.csv', row: 3, column: 'Last' }),
    ]);
    const twice = strToU8('ID,First,Last\n1,A,B\n1,C,D\n');
    expect(readPlainCsv(twice, { studentId: 'ID', givenName: 'First', familyName: 'Last' }, { name: 'X' }).problems).toEqual([
      expect.objectContaining({ code: 'duplicate-identifier', file: 'roster.csv', row: 3, column: 'ID' }),
    ]);
  });
});
