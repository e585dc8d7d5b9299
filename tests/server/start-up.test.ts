/** Opening the configured database: one clear reason when it cannot be used, and the password never shown. */
import { describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../src/server/db/open-database.ts';
import { redact } from '../../src/server/config.ts';
import { POSTGRES_ADMIN_URL } from '../support/postgres-admin.ts';

async function refusal(url: string): Promise<{ code?: string; message: string; details?: Record<string, unknown> }> {
  try {
    const db = await connectDatabase({ kind: 'postgres', url, shown: redact(url), pool: 1 });
    await db.destroy();
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error(`${redact(url)} was opened`);
}

/** The admin URL with its user, password or database replaced. */
function variant(change: (url: URL) => void): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  change(url);
  return url.toString();
}

describe('opening PostgreSQL', () => {
  it('names the host and says the connection was refused when nothing listens there', async () => {
    const error = await refusal('postgres://doorline:s3cret-word@127.0.0.1:1/doorline');
    expect(error).toMatchObject({
      code: 'database-unreachable',
      details: { host: '127.0.0.1:1', url: 'postgres://doorline:***@127.0.0.1:1/doorline' },
    });
    expect(error.message).toBe(
      'cannot use PostgreSQL at 127.0.0.1:1 (postgres://doorline:***@127.0.0.1:1/doorline): the connection was refused (is PostgreSQL running and listening there?).',
    );
    expect(error.message).not.toContain('s3cret');
  });

  it('says when the host name is not known', async () => {
    const error = await refusal('postgres://doorline@no-such-host.invalid/doorline');
    expect(error).toMatchObject({ code: 'database-unreachable', details: { host: 'no-such-host.invalid:5432' } });
    expect(error.message).toContain('the host name "no-such-host.invalid" is not known');
  });

  describe.runIf(inject('postgres'))('on a server that answers', () => {
    it('says which database does not exist, and how to make it', async () => {
      const error = await refusal(variant((url) => (url.pathname = '/doorline_never_made')));
      expect(error).toMatchObject({ code: 'database-unreachable', details: { reason: '3D000' } });
      expect(error.message).toContain('the database "doorline_never_made" does not exist (create it with: createdb');
    });

    it('says which user may not connect, without the password', async () => {
      const error = await refusal(
        variant((url) => {
          url.username = 'doorline_nobody';
          url.password = 'hunter2-secret';
        }),
      );
      expect(error).toMatchObject({ code: 'database-unreachable' });
      // Refused as an unknown role under trust authentication, or for its password under any other.
      expect(error.message).toMatch(
        /user "doorline_nobody" may not connect: role "doorline_nobody" does not exist|the password for user "doorline_nobody" was refused/,
      );
      expect(error.message).not.toContain('hunter2');
    });
  });
});
