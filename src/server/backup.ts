/**
 * Backups of the SQLite database, and their restore.
 *
 * A backup is made with SQLite's online backup API from its own connection,
 * not by copying the file: a file copy taken while the server writes can pair
 * a half-written page with a WAL it no longer matches. The copy is taken in
 * one step, so from one read snapshot; in WAL mode the server's writers carry
 * on meanwhile. (Copied in small steps, the backup would start over at every
 * write another connection makes, and under a morning's ingest never end.)
 * It is written next to its destination and renamed into place only once
 * whole and checked, so a failed backup never leaves a file that looks good.
 *
 * A restore replaces the configured file only when no process has it open.
 * The rule rests on SQLite's own locks: a connection to a database in WAL
 * mode holds a shared lock on the file for as long as it is open, so a
 * running server (even an idle one) keeps the restore from taking the
 * exclusive lock it asks for, and the restore answers `database-in-use`
 * without waiting. While it holds that lock no server can start on the file.
 * The database it replaces is kept beside it (`FILE.before-restore-TIME`):
 * nothing already accepted is lost, even to a restore run by mistake.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { DoorlineError } from '../shared/error-codes.ts';
import { MIGRATIONS } from './db/migrations.ts';

export interface BackupFacts {
  file: string;
  bytes: number;
  /** The newest migration the database has had: its schema version. */
  schema: string;
  /** How many migrations it has had of the ones this version knows. */
  migrations: number;
}

/** Kysely's own record of the migrations a database has had. */
const MIGRATION_TABLE = 'kysely_migration';

/** Largest step SQLite takes: the whole database at once (see the header). */
const ALL_PAGES = 0x7fffffff;

/**
 * Opens `file` read-only and checks it is a whole SQLite database that
 * Doorline made, of a schema this version can run (the same or older:
 * migrations bring an older one up to date at start-up).
 */
export function checkBackup(file: string): BackupFacts {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DoorlineError('not-a-backup', { file }, `cannot open ${file}: ${(error as Error).message}.`);
  }
  try {
    let names: string[];
    try {
      const problems = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
      if (problems.length !== 1 || problems[0]?.quick_check !== 'ok')
        throw new DoorlineError('not-a-backup', { file }, `${file} is damaged: ${problems.map((p) => p.quick_check).join('; ')}.`);
      names = (db.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map((r) => r.name);
    } catch (error) {
      if (error instanceof DoorlineError) throw error;
      throw new DoorlineError('not-a-backup', { file }, `${file} is not a Doorline database: ${(error as Error).message}.`);
    }
    const unknown = names.filter((name) => !Object.hasOwn(MIGRATIONS, name));
    if (unknown.length > 0)
      throw new DoorlineError(
        'backup-too-new',
        { file, unknown },
        `${file} has a schema newer than this Doorline knows (${unknown.join(', ')}): restore it with the version that made it.`,
      );
    const schema = names.at(-1);
    if (schema === undefined) throw new DoorlineError('not-a-backup', { file }, `${file} is not a Doorline database: it has no schema.`);
    return { file, bytes: fs.statSync(file).size, schema, migrations: names.length };
  } finally {
    db.close();
  }
}

/**
 * The copy carries the source's WAL mode in its header, and each opening
 * would leave a -wal and a -shm file beside it; in rollback mode it is one
 * file that can be moved, copied and opened read-only alone. The server
 * turns WAL back on when it opens a restored database.
 */
function makeSelfContained(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/** Refuses to write over `file`: a backup never replaces another one. */
function mustBeNew(file: string): void {
  if (fs.existsSync(file)) throw new DoorlineError('invalid-config', { file }, `${file} already exists: name a new file for the backup.`);
}

/** Copies the database at `source` (live or not) into a new file at `destination`. */
export async function backupDatabase(source: string, destination: string): Promise<BackupFacts> {
  mustBeNew(destination);
  if (!fs.existsSync(path.dirname(path.resolve(destination))))
    throw new DoorlineError('invalid-config', { file: destination }, `the folder of ${destination} does not exist.`);
  let db: SQLite.Database;
  try {
    db = new SQLite(source, { fileMustExist: true });
  } catch (error) {
    throw new DoorlineError('invalid-config', { file: source }, `there is no database at ${source}: ${(error as Error).message}.`);
  }
  const partial = `${destination}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    // The server may be mid-batch: wait for its write lock rather than fail.
    db.pragma('busy_timeout = 5000');
    await db.backup(partial, { progress: () => ALL_PAGES });
    makeSelfContained(partial);
    const facts = checkBackup(partial);
    mustBeNew(destination);
    fs.renameSync(partial, destination);
    return { ...facts, file: destination };
  } catch (error) {
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) fs.rmSync(leftover, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

export interface RestoreFacts extends BackupFacts {
  /** Where the database that was replaced now is; null when there was none. */
  keptAs: string | null;
}

const busy = (error: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? '');

/**
 * Holds `file` exclusively, or says who has it. The connection takes the
 * lock at its first read and keeps it until it is closed.
 */
function lockExclusively(file: string): SQLite.Database {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('commit');
    // Leaves a file of its own, with no WAL beside it to pair with the wrong database.
    db.pragma('journal_mode = DELETE');
    return db;
  } catch (error) {
    db.close();
    if (busy(error))
      throw new DoorlineError(
        'database-in-use',
        { file },
        `${file} is open in another process (a running Doorline server?): stop it, then restore.`,
      );
    throw error;
  }
}

/** A time for a file name: 2026-12-02T02-15-00Z. */
const stamp = (now: number): string =>
  new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');

/**
 * Replaces the database at `target` with the backup at `backup`, after
 * checking it; the replaced database is kept beside it (see the header).
 */
export async function restoreDatabase(backup: string, target: string, now = Date.now()): Promise<RestoreFacts> {
  const facts = checkBackup(backup);
  if (path.resolve(backup) === path.resolve(target))
    throw new DoorlineError('invalid-config', { file: backup }, `${backup} is the database itself: name a backup.`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const lock = fs.existsSync(target) ? lockExclusively(target) : null;
  const incoming = `${target}.restoring`;
  fs.rmSync(incoming, { force: true });
  try {
    const source = new SQLite(backup, { readonly: true, fileMustExist: true });
    try {
      await source.backup(incoming, { progress: () => ALL_PAGES });
    } finally {
      source.close();
    }
    makeSelfContained(incoming);
    checkBackup(incoming);
    let keptAs: string | null = null;
    if (lock) {
      keptAs = `${target}.before-restore-${stamp(now)}`;
      fs.renameSync(target, keptAs);
    }
    for (const leftover of [`${target}-wal`, `${target}-shm`]) fs.rmSync(leftover, { force: true });
    fs.renameSync(incoming, target);
    return { ...facts, file: target, keptAs };
  } catch (error) {
    for (const leftover of [incoming, `${incoming}-wal`, `${incoming}-shm`]) fs.rmSync(leftover, { force: true });
    throw error;
  } finally {
    lock?.close();
  }
}
