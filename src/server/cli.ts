/**
 * Doorline's command line, for jobs such as the nightly roster import and backup:
 *
 *   npm run doorline -- import-roster PATH [--school NAME] [--time-zone ZONE] [--dry-run]
 *   npm run doorline -- backup PATH
 *   npm run doorline -- restore PATH
 *
 * It opens the server's database (DATABASE_URL, or the SQLite file), and
 * prints ONE JSON line with what it did. `import-roster` migrates the
 * database, then reports what was (or, with --dry-run, would be) imported and
 * every problem. `backup` copies the live SQLite database into a new file
 * while the server keeps running; `restore` puts a backup in the database's
 * place, only while no server has it open (backup.ts says how that is known),
 * and keeps the database it replaces beside it. On PostgreSQL both say to use
 * pg_dump and pg_restore. Exit codes: 0 done (or checked, with --dry-run,
 * without problems); 1 the export has problems, nothing changed; 2 the
 * command or configuration is wrong; 3 the database cannot be reached; 4 the
 * database is in use, nothing changed; 5 the file is not a Doorline backup
 * this version can restore, nothing changed.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DoorlineError, type ErrorCode } from '../shared/error-codes.ts';
import { messageOf } from '../shared/error-messages.ts';
import { backupDatabase, restoreDatabase } from './backup.ts';
import { loadConfig, type DatabaseConfig } from './config.ts';
import { connectDatabase, migrate } from './db/open-database.ts';
import { readExportPath } from './roster/export-files.ts';
import { isOneRosterExport, readOneRoster } from './roster/oneroster-reader.ts';
import { runRosterImport } from './roster/roster-import.ts';
import { problem } from './roster/roster-problems.ts';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = [
  'usage: doorline import-roster PATH [--school NAME] [--time-zone ZONE] [--dry-run]',
  '       doorline backup PATH',
  '       doorline restore PATH',
].join('\n');

class UsageError extends Error {}

async function importRoster(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { school: { type: 'string' }, 'time-zone': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [where, ...extra] = parsed.positionals;
  if (where === undefined || extra.length > 0) throw new UsageError('name one .zip file or folder');
  const dryRun = parsed.values['dry-run'] === true;
  const files = await readExportPath(where).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${where}: ${error.code ?? error.message}`);
  });
  const db = await connectDatabase(loadConfig(process.env, appRoot).database);
  try {
    await migrate(db);
    const incoming =
      files !== null && isOneRosterExport(files)
        ? readOneRoster(files, parsed.values.school === undefined ? {} : { school: parsed.values.school })
        : { schools: [], problems: [problem('not-an-export', path.basename(where))] };
    const hash = createHash('sha256');
    for (const [name, bytes] of [...(files ?? new Map<string, Uint8Array>())].sort(([a], [b]) => a.localeCompare(b)))
      hash.update(name).update(bytes);
    const report = await runRosterImport(db, incoming, {
      apply: !dryRun,
      fileHash: hash.digest('hex'),
      actor: { id: null, name: 'Roster import (command line)' },
      now: Date.now(),
      create: { timeZone: parsed.values['time-zone'] },
    });
    const line = {
      dryRun,
      schools: report.schools.map((s) => ({
        sourcedId: s.sourcedId,
        name: s.name,
        created: s.created,
        students: s.students,
        homerooms: s.homerooms,
        staff: s.staff,
      })),
      problems: report.problems,
    };
    console.log(JSON.stringify(line));
    return report.problems.length > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

/** The one file named on the command line, with no options. */
function onePath(args: string[], what: string): string {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: {} });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [where, ...extra] = parsed.positionals;
  if (where === undefined || extra.length > 0) throw new UsageError(`name one ${what}`);
  return where;
}

/** The configured SQLite file; PostgreSQL has tools of its own for this, named in the message. */
function sqliteFile(database: DatabaseConfig, command: 'backup' | 'restore'): string {
  if (database.kind === 'postgres') {
    const tool =
      command === 'backup'
        ? `pg_dump --format=custom --file=PATH "${database.shown}"`
        : `pg_restore --clean --if-exists --dbname="${database.shown}" PATH`;
    throw new DoorlineError(
      'backup-needs-sqlite',
      { command },
      `DATABASE_URL names PostgreSQL: ${command === 'backup' ? 'back it up' : 'restore it'} with ${tool} (see the README's Backups section).`,
    );
  }
  if (database.file === ':memory:')
    throw new DoorlineError(
      'invalid-config',
      { file: database.file },
      'DATABASE_URL names an in-memory database: there is nothing to keep.',
    );
  return database.file;
}

async function backup(args: string[]): Promise<number> {
  const destination = onePath(args, 'file to write the backup to');
  const started = Date.now();
  const facts = await backupDatabase(sqliteFile(loadConfig(process.env, appRoot).database, 'backup'), destination);
  console.log(JSON.stringify({ backup: facts.file, bytes: facts.bytes, schema: facts.schema, ms: Date.now() - started }));
  return 0;
}

async function restore(args: string[]): Promise<number> {
  const from = onePath(args, 'backup file to restore');
  const facts = await restoreDatabase(from, sqliteFile(loadConfig(process.env, appRoot).database, 'restore'));
  console.log(JSON.stringify({ restored: from, database: facts.file, schema: facts.schema, keptAs: facts.keptAs }));
  return 0;
}

/** Which exit code a failure gets: see the header. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  'invalid-config': 2,
  'database-unsupported': 2,
  'backup-needs-sqlite': 2,
  'database-unreachable': 3,
  'database-in-use': 4,
  'not-a-backup': 5,
  'backup-too-new': 5,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import-roster') return importRoster(rest);
  if (command === 'backup') return backup(rest);
  if (command === 'restore') return restore(rest);
  throw new UsageError(command === undefined ? 'name a command' : `unknown command "${command}"`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`doorline: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof DoorlineError) {
      console.error(`doorline: ${messageOf(error)} [${error.code}]`);
      process.exitCode = EXIT_CODES[error.code] ?? 1;
    } else {
      console.error('doorline: the command failed:', error);
      process.exitCode = 1;
    }
  },
);
