import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, parseWorkers } from '../../src/server/config.ts';

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
