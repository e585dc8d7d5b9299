import { describe, expect, it } from 'vitest';
import { loadConfig, parseDatabaseUrl, parseDemoPasswords, parsePublicUrl, parseWorkers } from '../../src/server/config.ts';

describe('DATABASE_URL', () => {
  it.each([
    [undefined, { kind: 'sqlite', file: './data/doorline.db' }],
    ['', { kind: 'sqlite', file: './data/doorline.db' }],
    ['sqlite:./data/school.db', { kind: 'sqlite', file: './data/school.db' }],
    ['sqlite:///var/lib/doorline/db.sqlite', { kind: 'sqlite', file: '/var/lib/doorline/db.sqlite' }],
    ['sqlite::memory:', { kind: 'sqlite', file: ':memory:' }],
    ['/srv/doorline.db', { kind: 'sqlite', file: '/srv/doorline.db' }],
  ])('reads %j as SQLite', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each([
    ['postgres://doorline@db.example/doorline', 'postgres://doorline@db.example/doorline'],
    ['postgresql://doorline:secret@db.example:6432/attendance', 'postgresql://doorline:***@db.example:6432/attendance'],
    ['postgres://doorline:p@ss@db.example/doorline', 'postgres://doorline:***@db.example/doorline'],
  ])('reads %j as PostgreSQL, shown as %j', (url, shown) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url, shown, pool: 10 });
  });

  it('sizes the PostgreSQL pool from DATABASE_POOL', () => {
    expect(parseDatabaseUrl('postgres://db/doorline', '4')).toMatchObject({ kind: 'postgres', pool: 4 });
  });

  it.each(['0', '-1', '2.5', 'many', '1001'])('refuses DATABASE_POOL=%j', (pool) => {
    expect(() => parseDatabaseUrl('postgres://db/doorline', pool)).toThrow(
      expect.objectContaining({ code: 'invalid-config', details: { DATABASE_POOL: pool } }),
    );
  });

  it.each([
    ['postgres://doorline:secret@/doorline', 'postgres://doorline:***@/doorline'],
    ['postgres://doorline:secret@db:port/doorline', 'postgres://doorline:***@db:port/doorline'],
    ['postgres://', 'postgres://'],
  ])('refuses %j as not a valid PostgreSQL URL, showing it as %j', (url, shown) => {
    let refusal: unknown = null;
    try {
      parseDatabaseUrl(url);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'invalid-config', details: { url: shown } });
    expect((refusal as Error).message).toContain(`not a valid postgres:// URL (${shown})`);
    expect((refusal as Error).message).not.toContain('secret');
  });

  it('refuses other schemes', () => {
    expect(() => parseDatabaseUrl('mysql://localhost/x')).toThrow(expect.objectContaining({ code: 'database-unsupported' }));
  });
});

describe('WORKERS', () => {
  const postgres = parseDatabaseUrl('postgres://doorline@db.example/doorline');
  const sqlite = parseDatabaseUrl(undefined);

  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['4', 4],
    ['64', 64],
  ])('reads %j as %i processes on PostgreSQL', (raw, expected) => {
    expect(parseWorkers(raw, postgres)).toBe(expected);
  });

  it.each(['0', '-1', '2.5', 'two', '65'])('refuses %j with a plain message', (raw) => {
    expect(() => parseWorkers(raw, postgres)).toThrow(
      expect.objectContaining({ code: 'invalid-config', message: expect.stringContaining('WORKERS must be a whole number from 1 to 64') }),
    );
  });

  it('keeps the embedded SQLite database to one process', () => {
    expect(parseWorkers('1', sqlite)).toBe(1);
    expect(() => parseWorkers('2', sqlite)).toThrow(
      expect.objectContaining({ code: 'invalid-config', message: expect.stringContaining('needs PostgreSQL') }),
    );
  });
});

describe('HOST and PUBLIC_URL', () => {
  const load = (env: Record<string, string>) => loadConfig(env, '/srv/doorline');

  it('listens on this machine only, with no public origin, when nothing is configured', () => {
    expect(load({})).toMatchObject({ host: '127.0.0.1', publicOrigin: null, trustProxy: false });
  });

  it.each(['0.0.0.0', '::', '10.0.0.5'])('refuses HOST=%s without PUBLIC_URL, in one line saying what to set', (host) => {
    expect(() => load({ HOST: host })).toThrow(
      expect.objectContaining({
        code: 'invalid-config',
        message: `PUBLIC_URL is required when HOST is ${host}: set it to the address people open, such as https://doorline.school.example.`,
      }),
    );
  });

  it("refuses TRUST_PROXY without PUBLIC_URL, even on loopback: behind a proxy the address people open is the proxy's", () => {
    expect(() => load({ TRUST_PROXY: '127.0.0.1' })).toThrow(
      expect.objectContaining({
        code: 'invalid-config',
        message: expect.stringContaining('PUBLIC_URL is required when TRUST_PROXY is set'),
      }),
    );
  });

  it('opens up with HOST=0.0.0.0 and a PUBLIC_URL, kept as its origin', () => {
    expect(load({ HOST: '0.0.0.0', PUBLIC_URL: 'https://Doorline.School.example/' })).toMatchObject({
      host: '0.0.0.0',
      publicOrigin: 'https://doorline.school.example',
    });
  });

  it.each([
    ['https://doorline.school.example', 'https://doorline.school.example'],
    ['https://doorline.school.example:443', 'https://doorline.school.example'],
    ['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
    ['  http://[fd00::5]:8080/  ', 'http://[fd00::5]:8080'],
  ])('reads PUBLIC_URL %j as the origin %j', (raw, origin) => {
    expect(parsePublicUrl(raw, '0.0.0.0')).toBe(origin);
  });

  it.each([
    'doorline.school.example',
    'ftp://doorline.school.example',
    'https://doorline.school.example/doorline',
    'https://a:b@doorline.school.example',
    'https://doorline.school.example/?x=1',
    'https://',
  ])('refuses PUBLIC_URL %j with a plain message', (raw) => {
    expect(() => parsePublicUrl(raw, '0.0.0.0')).toThrow(
      expect.objectContaining({
        code: 'invalid-config',
        message: expect.stringContaining('PUBLIC_URL must be an http:// or https:// address with no path'),
      }),
    );
  });

  it.each(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'])('needs no PUBLIC_URL on the loopback address %s', (host) => {
    expect(parsePublicUrl(undefined, host)).toBeNull();
  });
});

describe('DOORLINE_DEMO_PASSWORDS', () => {
  it('is empty unless set: every demo account then gets a generated password', () => {
    expect(parseDemoPasswords(undefined)).toEqual({});
    expect(loadConfig({}, '/srv/doorline').demoPasswords).toEqual({});
  });

  it('reads role=password pairs', () => {
    expect(parseDemoPasswords('teacher=one two,admin=a=b')).toEqual({ teacher: 'one two', admin: 'a=b' });
  });

  it.each(['s3cr3t', 'teacher=', 'janitor=s3cr3t', '=s3cr3t', 'admin=s3cr3t,admin=s3cr3t-too'])(
    'refuses %j without repeating a password',
    (raw) => {
      let refusal: unknown = null;
      try {
        parseDemoPasswords(raw);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'invalid-config', message: expect.stringContaining('role=password pairs') });
      expect(JSON.stringify(refusal) + (refusal as Error).message).not.toContain('s3cr3t');
    },
  );
});
