import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databases } from '../support/databases.ts';
import { DEMO_ACCOUNTS } from '../../src/server/demo-school.ts';
import { DEMO_PASSWORDS } from '../support/demo-passwords.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
describe.each(databases())('on %s, changing a password', (database) => {
  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => t.close());

  const teacher = DEMO_ACCOUNTS.find((a) => a.role === 'teacher');
  const change = async (newPassword: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/account/password',
      headers: await t.signIn('teacher'),
      payload: { v: 1, currentPassword: DEMO_PASSWORDS.teacher, newPassword },
    });

  it.each(['aaaaaaaaaa', ' '.repeat(10), 'password123', 'qwertyuiop', '1234567890'])(
    'refuses %j, long enough and still a first guess, with a plain message',
    async (weak) => {
      const response = await change(weak);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'weak-password', message: expect.stringContaining('not a common password') });
    },
  );

  it("refuses the person's own sign-in or name, which a stranger would otherwise score as strong", async () => {
    for (const own of [teacher?.email ?? '', 'Grace Hopper']) expect((await change(own)).json().error.code).toBe('weak-password');
  });

  it('takes a passphrase, which then signs in', async () => {
    expect((await change('a much longer passphrase')).statusCode).toBe(204);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: 'http://localhost:80' },
      payload: { v: 1, email: teacher?.email, password: 'a much longer passphrase' },
    });
    expect(signIn.statusCode).toBe(200);
  });
});
